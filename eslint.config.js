import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // bench/faros/lib: the faros comparison connector, compiled on demand by npm run bench (git-ignored).
  // src/config/config-validator.ts: ajv's generated JavaScript (npm run generate:config-validator).
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'demo-output/**',
      'bench/faros/lib/**',
      'src/config/config-validator.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The product's code (src/, tests aside) gets the type-checked rules too. Tests, fixtures and
  // scripts handle JSON as `any` on purpose (331 findings, all of the unsafe-any kind): not yet.
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({
    ...config,
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
  })),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The sync engine sizes no window: it uses the planner through its interface only.
    files: ['src/sync/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./planner/(?!index\\.js$)',
              message: 'src/sync uses window planning through src/planner/index.ts only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The planner is pure: it knows nothing of HTTP, state, records or output; only of local time.
    files: ['src/planner/**/*.ts'],
    ignores: ['src/planner/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./time/local-time\\.js$)',
              message: 'src/planner imports only its own files and ../time/local-time.js.',
            },
          ],
        },
      ],
    },
  },
);
