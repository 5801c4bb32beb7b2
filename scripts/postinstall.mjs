// Runs after `npm install`: tells the user, once, whether the desktop window can open in Electron.
// Electron is an optional dependency, so a machine that cannot download its runtime still installs.
import { electronBinary } from './electronRuntime.mjs';

if (!process.env.MIXEL_QUIET_INSTALL) {
  const binary = await electronBinary();
  if (!binary) {
    console.log(
      "mixel: Electron's runtime is not available on this machine (its download failed or was skipped); " +
        '`npm start` will open the same window in your browser instead.',
    );
  }
}
