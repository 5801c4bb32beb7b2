// Lint rules, including the layering of ../shared/DESIGN.md (see STYLE.md §1): core imports nothing outside
// itself, the renderer never reaches into main, the preload only sees the protocol.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const layering = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-renderer/**', 'release/**', 'node_modules/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: layering(
      [
        'node:*',
        'fs',
        'path',
        'os',
        'worker_threads',
        'electron',
        'sharp',
        'react',
        '**/main/**',
        '**/renderer/**',
      ],
      'src/core is pure TypeScript: no Node, DOM or Electron (see DESIGN.md, Layers).',
    ),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layering(
      ['node:*', 'electron', 'sharp', '**/main/**'],
      'The renderer talks to the backend only through the protocol client (see DESIGN.md, Layers).',
    ),
  },
  {
    files: ['src/main/electron/preload.ts'],
    rules: layering(
      ['**/core/!(protocol)/**', '**/main/**', 'sharp'],
      'The preload only exposes the protocol.',
    ),
  },
);
