import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The faros comparison connector's files that use faros-airbyte-cdk, axios, commander and verror:
 * npm run bench installs those on demand into bench/faros/node_modules (git-ignored). Without them
 * every CDK type is unresolved (26 findings of that kind), and with them lint would depend on whether
 * a bench has run: these two stay on the untyped rules. (Installed, the typed rules find only
 * `require-await` on the CDK's async overrides `spec`, `checkConnection` and `streamSlices`.)
 */
const FAROS_CDK_FILES = ['bench/faros/src/index.ts', 'bench/faros/src/main.ts'];

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
  // Every TypeScript file gets the type-checked rules, through the project service: src/ with its
  // tests, test-support/, integration_tests/, bench/ and vitest.config.ts (tsconfig.json), and
  // bench/faros/src/record.ts and record.test.ts (bench/faros/tsconfig.json); parsed JSON is given a
  // type (an interface, or `unknown` and narrowing), never `any`. Not type-checked: the two faros
  // files above, and the .mjs scripts of scripts/ (plain JavaScript, no types: the untyped rules).
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({
    ...config,
    files: ['**/*.ts'],
    ignores: FAROS_CDK_FILES,
  })),
  {
    files: ['**/*.ts'],
    ignores: FAROS_CDK_FILES,
    languageOptions: {
      parserOptions: {
        projectService: {
          // Excluded from bench/faros/tsconfig.json so that the bench does not compile it into lib/.
          allowDefaultProject: ['bench/faros/src/record.test.ts'],
          defaultProject: 'bench/faros/tsconfig.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
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
