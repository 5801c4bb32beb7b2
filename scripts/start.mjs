// `npm start`: opens the Mixel window on the built-in sample project. In Electron when its runtime is
// installed; otherwise the same window is served to your browser by `mixel serve` on 127.0.0.1, and the
// address (with its access token) is printed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { electronBinary } from './electronRuntime.mjs';

const isBuilt = existsSync('dist/src/main/cli/main.js') && existsSync('dist-renderer/index.html');
if (!isBuilt) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const binary = await electronBinary();
const [command, args] = binary
  ? [binary, ['.']]
  : [process.execPath, ['bin/mixel.js', 'serve', ...process.argv.slice(2)]];
if (!binary) console.log("Electron's runtime is not installed: opening the window in your browser instead.");
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
