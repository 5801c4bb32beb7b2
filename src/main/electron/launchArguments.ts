/**
 * The project named when the desktop app starts: `--project <file>` / `--project=<file>`, or a lone
 * `.mixel` file (how the operating system opens a double-clicked project, see fileAssociations in
 * electron-builder.yml). Chromium's own switches (`--no-sandbox`, …) are skipped. A project named here is
 * the user's choice, so it is granted to the window like a dialog pick.
 */
export function launchProjectPath(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--project') return args[i + 1] && !args[i + 1].startsWith('-') ? args[i + 1] : null;
    if (arg.startsWith('--project=')) return arg.slice('--project='.length) || null;
  }
  return args.find((a) => !a.startsWith('-') && a.toLowerCase().endsWith('.mixel')) ?? null;
}
