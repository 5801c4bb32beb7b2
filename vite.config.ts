// Builds the window (src/renderer) into dist-renderer/. Relative asset paths, so the same build loads
// from the mixel:// scheme in Electron (appProtocol.ts) and from the browser-mode server; no inline scripts
// (the CSP forbids them).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist-renderer',
    emptyOutDir: true,
    // Keep the module preload polyfill out: it is an inline script the CSP would block.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // One ~700 kB bundle (React, Konva, zod) loaded from disk or 127.0.0.1: splitting it gains nothing here.
    chunkSizeWarningLimit: 1024,
    sourcemap: true,
  },
});
