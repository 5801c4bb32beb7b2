/**
 * Progress of long commands, three ways: a bar on a terminal (cli-progress, on stderr so stdout stays
 * clean), one JSON object per line with `--json` (for scripts and Snakemake logs), or plain lines when
 * stderr is not a terminal. Every reporter ends with a summary.
 */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  /** A unit of work begins (an image); `total` steps (tiles) follow. */
  begin(label: string, total: number, extra?: Record<string, unknown>): void;
  step(done: number, total: number): void;
  /** A note about the current unit (a guessed axis, a written file). */
  note(event: string, fields: Record<string, unknown>): void;
  end(label: string, fields: Record<string, unknown>): void;
  fail(label: string, error: string): void;
  summary(fields: Record<string, unknown> & { message: string }): void;
}

export function createProgressReporter(options: { json?: boolean; isTty?: boolean } = {}): ProgressReporter {
  if (options.json) return jsonReporter();
  return (options.isTty ?? process.stderr.isTTY) ? barReporter() : lineReporter();
}

function jsonReporter(): ProgressReporter {
  const emit = (event: string, fields: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
  let lastPercent = -1;
  return {
    begin: (label, total, extra) => {
      lastPercent = -1;
      emit('start', { image: label, tiles: total, ...extra });
    },
    step: (done, total) => {
      // One line per 10 % keeps logs short for 1600-tile images.
      const percent = Math.floor((done / total) * 10) * 10;
      if (percent !== lastPercent) {
        lastPercent = percent;
        emit('progress', { done, total, percent });
      }
    },
    note: (event, fields) => emit(event, fields),
    end: (label, fields) => emit('done', { image: label, ...fields }),
    fail: (label, error) => emit('failed', { image: label, error }),
    summary: (fields) => emit('summary', fields),
  };
}

function lineReporter(): ProgressReporter {
  return {
    begin: (label) => process.stderr.write(`${label} …\n`),
    step: () => undefined,
    note: (event, fields) => process.stderr.write(`  ${event}: ${Object.values(fields).join(' ')}\n`),
    end: (label, fields) => process.stderr.write(`${label}: done in ${fields.seconds ?? '?'} s\n`),
    fail: (_label, error) => process.stderr.write(`mixel: ${error}\n`),
    summary: (fields) => process.stderr.write(`${fields.message}\n`),
  };
}

function barReporter(): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      format: '{label} |{bar}| {percentage}% {value}/{total} tiles, {eta_formatted} left',
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let isActive = false;
  const stop = () => {
    if (isActive) bar.stop();
    isActive = false;
  };
  return {
    begin: (label, total) => {
      stop();
      bar.start(total, 0, { label: shorten(label) });
      isActive = true;
    },
    step: (done, total) => {
      if (bar.getTotal() !== total) bar.setTotal(total);
      bar.update(done);
    },
    note: (event, fields) => {
      stop();
      process.stderr.write(`  ${event}: ${Object.values(fields).join(' ')}\n`);
    },
    end: (label, fields) => {
      stop();
      process.stderr.write(`${label}: done in ${fields.seconds ?? '?'} s\n`);
    },
    fail: (_label, error) => {
      stop();
      process.stderr.write(`mixel: ${error}\n`);
    },
    summary: (fields) => {
      stop();
      process.stderr.write(`${fields.message}\n`);
    },
  };
}

function shorten(label: string): string {
  return label.length > 40 ? `…${label.slice(-39)}` : label;
}
