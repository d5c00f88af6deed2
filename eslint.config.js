// Lint rules, including the module boundaries drawn in DESIGN.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { moduleBoundaries } from './scripts/eslint-module-boundaries.js';
import { orgScopedTablesRule } from './scripts/eslint-org-scoped-tables.js';

export default tseslint.config(
  { ignores: ['dist/', 'web/dist/', 'node_modules/', '.salon/', 'artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    plugins: {
      salon: {
        rules: {
          'module-boundaries': moduleBoundaries,
          'org-scoped-tables': orgScopedTablesRule,
        },
      },
    },
    rules: {
      'salon/module-boundaries': 'error',
      'salon/org-scoped-tables': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The scope itself, frozen migrations, and tests that set up or inspect rows directly.
    files: [
      'src/identity/org-scope.ts',
      'src/store/migrations/**',
      '**/*.test.ts',
      'tests/**',
      'bench/**',
    ],
    rules: { 'salon/org-scoped-tables': 'off' },
  },
);
