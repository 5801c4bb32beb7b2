/**
 * The `mixel` command line: a peer of the window, calling the same pipeline. Each command lives in
 * commands/<name>.ts and registers itself here; heavy modules (sharp, the worker pool) are imported
 * inside the command's action so that `mixel --help` starts fast.
 */
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { explainError } from './explainError.js';
import { EXIT_CODES } from './exitCodes.js';

/**
 * A reader that stops reading (`mixel predict --json … | head`) must not kill a run half-way, which
 * would leave partial outputs behind: the run goes on to the end without its remaining messages.
 */
function ignoreClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
}

/** An error thrown outside the awaited command (a stray callback) still ends the run with one line. */
function reportStrayErrors(): void {
  const report = (err: unknown) => {
    const { line, exitCode, stack } = explainError(err);
    process.stderr.write(`mixel: ${line}\n`);
    if (stack && process.env.MIXEL_DEBUG) process.stderr.write(`${stack}\n`);
    process.exit(exitCode);
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
}

export async function runCli(argv: string[]): Promise<number> {
  ignoreClosedOutput();
  reportStrayErrors();
  const program = new Command()
    .name('mixel')
    .description(
      'Interactive pixel classification of microscopy images (ilastik-style features, Gaussian mixtures).',
    )
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run `mixel <command> --help` for the options)')
    .exitOverride();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // Help and --version end with 0; an option the parser refuses is a usage error like any other (2).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_CODES.success : EXIT_CODES.usage;
    // One line, never a stack trace, unless MIXEL_DEBUG asks for it.
    const { line, exitCode, stack } = explainError(err);
    process.stderr.write(`mixel: ${line}\n`);
    if (stack && process.env.MIXEL_DEBUG) process.stderr.write(`${stack}\n`);
    return exitCode;
  }
}
