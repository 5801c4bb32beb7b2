// `npm start`: the main job on the built-in sample. Writes the synthetic sample and segments it
// headlessly, printing the output paths.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const mixel = (...args) => {
  const r = spawnSync(process.execPath, ['bin/mixel.js', ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync('dist/src/main/cli/main.js')) {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.main.json'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
mixel('sample', '--out', 'mixel-sample');
