import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    '.next/**',
    '.next-*/**',
    '.data/**',
    'node_modules/**',
    'lib/generated/**',
    'next-env.d.ts',
    'test-results/**',
  ]),
  {
    // The house rules of the README's map: the domain never reaches up into routes, and the emulator
    // is a separate program that the shop reaches only over HTTP.
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './lib',
              from: './app',
              message: 'lib/ is the domain: app/ calls it, never the reverse.',
            },
            { target: ['./app', './lib'], from: './emulator', message: 'Reach the emulator over HTTP.' },
            { target: './emulator', from: ['./app', './lib'], message: 'The emulator stands alone.' },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
]);
