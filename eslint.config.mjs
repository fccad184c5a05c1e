import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const serverOnly = ['@/server/*', '@/server/**', '@/db', '@/db/*', '@/db/**', '@/lib/env', '@/lib/env.ts'];

const config = [
  { ignores: ['.next/**', 'node_modules/**', '.data/**', 'db/migrations/**', 'bench/results/**', 'test-results/**', 'next-env.d.ts', 'public/monaco/**', 'playwright-report/**'] },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The browser side never reaches into the server or the database; types may cross.
    files: ['components/**', 'lib/**'],
    ignores: ['lib/env.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: serverOnly, allowTypeImports: true, message: 'components/ and lib/ must not import server code.' }] },
      ],
    },
  },
  {
    files: ['e2e/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
];
export default config;
