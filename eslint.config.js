// Lint rules, including the module boundaries drawn in DESIGN.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { moduleBoundaries } from './scripts/eslint-module-boundaries.js';

export default tseslint.config(
  { ignores: ['dist/', 'web/dist/', 'node_modules/', '.salon/', 'artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    plugins: { salon: { rules: { 'module-boundaries': moduleBoundaries } } },
    rules: {
      'salon/module-boundaries': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
);
