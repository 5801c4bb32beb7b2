// `npm test`: builds the Node side (workers run compiled JavaScript), runs every vitest suite (units,
// integration and the browser-driven window tests), and ends with the plain line CI reads:
// `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });

const build = run('npx', ['tsc', '-p', 'tsconfig.main.json']);
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
mkdirSync('test-output', { recursive: true });
const report = 'test-output/vitest.json';
const extra = process.argv.slice(2);
const vitest = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...extra,
]);

let passed = 0;
let failed = 0;
try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests;
  // A test file that failed without a failing test (an import or setup error) counts as one failure.
  failed = result.numFailedTests + countFilesFailedOutsideTests(result);
} catch {
  failed = 1;
}
if (vitest.status !== 0 && failed === 0) failed = 1;
// .ci/run counts a failed lint or type check as a failed check too.
failed += Number(process.env.MIXEL_CHECKS_FAILED ?? 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && vitest.status === 0 ? 0 : 1);

function countFilesFailedOutsideTests(result) {
  return (result.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
}
