// Lint: type-checked typescript-eslint, plus the determinism rules of DESIGN §2.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Ambient nondeterminism: banned in sim/ and raft/ (the CLI and benchmarks may read the clock).
const bannedGlobals = [
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'queueMicrotask',
  'performance',
].map((name) => ({ name, message: 'Nondeterministic: use the virtual clock (DESIGN §2).' }));
const bannedProperties = [
  { object: 'Math', property: 'random', message: 'Use a named pure-rand stream (sim/random.ts).' },
  { object: 'Date', property: 'now', message: 'Use virtual time.' },
  { object: 'process', property: 'hrtime', message: 'Use virtual time.' },
  { object: 'crypto', property: 'getRandomValues', message: 'Use a named pure-rand stream.' },
  { object: 'crypto', property: 'randomUUID', message: 'Use a named pure-rand stream.' },
];
const bannedSyntax = [
  { selector: "NewExpression[callee.name='Date']", message: 'Use virtual time.' },
];
const bannedImports = [
  {
    group: [
      'node:crypto',
      'crypto',
      'node:timers',
      'timers',
      'node:timers/*',
      'node:perf_hooks',
      'perf_hooks',
    ],
    message: 'Nondeterministic module (DESIGN §2).',
  },
];

// The parts of sim/ that must stay Raft-free.
const RAFT_FREE_SIM = [
  'sim/*.ts',
  'sim/check/**/*.ts',
  'sim/format/**/*.ts',
  'sim/monitors/**/*.ts',
  'sim/testing/**/*.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['sim/**/*.ts', 'raft/**/*.ts'],
    ignores: ['sim/cli/**', 'sim/bench/**', '**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', ...bannedGlobals],
      'no-restricted-properties': ['error', ...bannedProperties],
      'no-restricted-syntax': ['error', ...bannedSyntax],
      'no-restricted-imports': ['error', { patterns: bannedImports }],
    },
  },
  {
    // Small functions (STYLE.md): a test's describe block may be long, code may not.
    files: ['sim/**/*.ts', 'raft/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 70, skipBlankLines: true, skipComments: true }],
    },
  },
  ...[1, 2, 3].map((depth) => ({
    // raft/ is pure: relative imports may not climb out of raft/, bare imports only pure-rand.
    files: [`raft/${'*/'.repeat(depth - 1)}*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...bannedImports,
            {
              regex: `^(\\.\\./){${depth}}`,
              message: 'raft/ imports nothing outside raft/ (DESIGN §3).',
            },
            {
              regex: '^(?!\\.|pure-rand/)',
              message: 'raft/ may import only raft/ files and pure-rand (DESIGN §3).',
            },
          ],
        },
      ],
    },
  })),
  ...[false, true].map((tests) => ({
    // The engine, checker and monitors know nothing of Raft: only the binding layer (sim/run), the
    // fuzzer, reports, benchmarks and the CLI may import raft/ (DESIGN §1).
    files: RAFT_FREE_SIM.map((glob) => (tests ? glob.replace(/\*\.ts$/, '*.test.ts') : glob)),
    ignores: tests ? [] : ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(tests ? [] : bannedImports),
            { regex: '^(\\.\\./)+raft(/|$)', message: 'This part of sim/ imports nothing from raft/.' },
          ],
        },
      ],
    },
  })),
);
