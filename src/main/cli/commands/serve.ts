import type { Command } from 'commander';
import { parseThreads } from '../workOptions.js';
import { UserError } from '../UserError.js';

/**
 * `mixel serve`: the window in a browser. Serves the built renderer on 127.0.0.1 with a random token in
 * the URL (printed), and the backend over a WebSocket. Opens the given project, else the built-in sample.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'open the Mixel window in your browser: serves it on 127.0.0.1 and prints the URL (with its access token)',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--project <file>', 'a .mixel project to open instead of the built-in sample')
    .option('--threads <n>', 'worker threads (default: one per core)')
    .action(async (opts: { port: string; project?: string; threads?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UserError(`--port ${opts.port} is not a port number: use 0..65535 (0 picks a free one)`);
      }
      const { defaultDataDir } = await import('../../service/createBackend.js');
      const { prepareDataDir } = await import('../../service/prepareDataDir.js');
      try {
        prepareDataDir(defaultDataDir());
      } catch (err) {
        // An unusable data folder (MIXEL_DATA_DIR under /proc, a file, read-only) is the user's to fix.
        throw new UserError((err as Error).message);
      }
      const { existsSync } = await import('node:fs');
      const { rendererDir } = await import('../../server/rendererDir.js');
      const dir = rendererDir();
      if (!existsSync(`${dir}/index.html`)) {
        throw new UserError(`the window is not built (${dir}/index.html is missing): run \`npm run build\``);
      }
      const { createBackend } = await import('../../service/createBackend.js');
      const { serveBrowserMode } = await import('../../server/serveBrowserMode.js');
      const backend = createBackend({ threads: parseThreads(opts.threads) });
      try {
        if (opts.project) await backend.service.openProject(opts.project);
        else await backend.service.openSampleProject();
      } catch (err) {
        await backend.close();
        // The service's errors name the file and say what is wrong with it; bugs stay internal errors.
        const e = err as Error & { code?: string };
        if (opts.project && e.name === 'ServiceError' && e.code !== 'internal') {
          throw new UserError(
            e.message.includes(opts.project) ? e.message : `--project ${opts.project}: ${e.message}`,
          );
        }
        throw err;
      }
      let server;
      try {
        server = await serveBrowserMode({ service: backend.service, rendererDir: dir, port });
      } catch (err) {
        await backend.close();
        throw new UserError(
          `cannot listen on 127.0.0.1:${port} (${(err as Error).message}): choose another --port`,
        );
      }
      console.log(
        `Mixel is running. Open this address in your browser (it contains the access token):\n\n  ${server.url}\n`,
      );
      console.log('Press Ctrl+C to stop.');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await backend.close();
    });
}
