import { describe, expect, it } from 'vitest';
import { launchProjectPath } from './launchArguments.js';

describe('the project named at start', () => {
  it('comes from --project, either form, or a double-clicked .mixel file', () => {
    expect(launchProjectPath(['--project', '/data/cells.mixel'])).toBe('/data/cells.mixel');
    expect(launchProjectPath(['--no-sandbox', '--project=/data/a b.mixel'])).toBe('/data/a b.mixel');
    expect(launchProjectPath(['/home/me/Experiment.MIXEL'])).toBe('/home/me/Experiment.MIXEL');
  });

  it('is none when nothing names a project, and a switch is never taken for a file', () => {
    expect(launchProjectPath([])).toBeNull();
    expect(launchProjectPath(['--project'])).toBeNull();
    expect(launchProjectPath(['--project', '--inspect'])).toBeNull();
    expect(launchProjectPath(['--project='])).toBeNull();
    expect(launchProjectPath(['--user-data-dir=/tmp/x.mixel', 'cells.tif'])).toBeNull();
  });
});
