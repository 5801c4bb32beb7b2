// Finds Electron's runtime binary, or null when the optional `electron` package or its download is missing.
import { existsSync } from 'node:fs';

export async function electronBinary() {
  try {
    const { default: binary } = await import('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}
