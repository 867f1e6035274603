// ESLint flat config: typescript-eslint's recommended rules, plus the dependency arrows of DESIGN.md §1 enforced
// per folder with no-restricted-imports (an arrow that is not allowed fails `npm run lint`).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Relative imports that reach into one of the named src/ folders, from anywhere below src/. */
function into(folders) {
  return `^(\\.\\./)+(${folders.join('|')})(/|$)`;
}

const NODE_BUILTINS = '^node:';
const TFJS = '^@tensorflow/';
const UI_PACKAGES = '^(react|react-dom|zustand|recharts|idb-keyval)(/|$)';

/** One no-restricted-imports block per folder; a later block for the same files would replace, not add. */
function arrows(files, patterns, ignores = []) {
  return { files, ignores, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

// Tests and test-only helpers (named testing.ts or kept under a testing/ folder) run in Node only and may read files.
const CORE_TESTS = ['src/core/**/*.test.ts', 'src/core/**/testing.ts', 'src/core/**/testing/**/*.ts'];

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'coverage/', 'tmp/', 'e2e/artifacts/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `const { type: _type, ...rest } = msg` is how a field is dropped; `_` marks an intentionally unused name.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  // core: pure TypeScript on tfjs, runs in the worker, in Node and in tests.
  arrows(
    ['src/core/**/*.ts'],
    [
      { regex: into(['ui', 'worker', 'storage', 'cli', 'protocol', 'backend']), message: 'src/core imports nothing outside src/core (DESIGN.md §1).' },
      { regex: UI_PACKAGES, message: 'src/core has no UI or IndexedDB dependencies.' },
      { regex: NODE_BUILTINS, message: 'src/core also runs in the browser worker: no Node built-ins outside tests.' },
    ],
    CORE_TESTS,
  ),
  arrows(CORE_TESTS, [
    { regex: into(['ui', 'worker', 'storage', 'cli', 'protocol', 'backend']), message: 'src/core imports nothing outside src/core (DESIGN.md §1).' },
    { regex: UI_PACKAGES, message: 'src/core has no UI or IndexedDB dependencies.' },
  ]),
  // protocol: plain message types; may name core types but must not pull core code into the UI bundle.
  arrows(
    ['src/protocol/**/*.ts'],
    [
      { regex: into(['ui', 'worker', 'storage', 'cli', 'backend']), message: 'src/protocol depends on core types only.' },
      { regex: into(['core']), allowTypeImports: true, message: 'src/protocol may import core *types* only (`import type`).' },
      { regex: TFJS, message: 'src/protocol carries plain data, not tensors.' },
    ],
  ),
  // storage: persists datasets/runs/checkpoints; knows core types, nothing of the UI or the worker.
  arrows(
    ['src/storage/**/*.ts'],
    [
      { regex: into(['ui', 'worker', 'cli', 'backend', 'protocol']), message: 'src/storage depends on core types only.' },
      { regex: into(['core']), allowTypeImports: true, message: 'src/storage may import core *types* only (`import type`).' },
    ],
  ),
  // ui: talks to the worker through trainerClient and the protocol; heavy work and backend choice live in the worker.
  arrows(
    ['src/ui/**/*.ts', 'src/ui/**/*.tsx'],
    [
      { regex: into(['worker', 'cli', 'backend']), message: 'src/ui reaches the worker only through trainerClient and src/protocol.' },
      { regex: TFJS, allowTypeImports: true, message: 'src/ui runs no tensors: send the work to the worker.' },
      { regex: NODE_BUILTINS, message: 'src/ui runs in the browser.' },
    ],
  ),
  // worker: core + protocol + storage + backend selection.
  arrows(
    ['src/worker/**/*.ts'],
    [
      { regex: into(['ui', 'cli']), message: 'src/worker does not import the UI or the CLI.' },
      { regex: UI_PACKAGES.replace('|idb-keyval', ''), message: 'src/worker renders nothing.' },
    ],
  ),
  // cli: the Node entry over the same core.
  arrows(
    ['src/cli/**/*.ts'],
    [
      { regex: into(['ui', 'worker', 'storage']), message: 'src/cli runs core directly, not the browser layers.' },
      { regex: UI_PACKAGES, message: 'src/cli renders nothing.' },
    ],
  ),
  // backend: picks and patches the tfjs backend; used by worker and cli.
  arrows(
    ['src/backend/**/*.ts'],
    [{ regex: into(['ui', 'worker', 'cli', 'storage', 'protocol']), message: 'src/backend depends on tfjs (and core) only.' }],
  ),
);
