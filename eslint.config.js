import tseslint from 'typescript-eslint';

// The layers of src/, bottom first (ARCHITECTURE.md). A folder may import its own layer and the
// ones below it, never one above: the pipeline stays a pipeline, with no folder cycle.
const LAYERS = ['core', 'policy', 'sources', 'config', 'baselines', 'audit', 'report', 'fix', 'github'];
/** The shells (src/*.ts: main.ts, cli.ts, ...) sit above every folder. */
const SHELLS = ['main', 'index', 'cli', 'cli-commands', 'cli-merge', 'cli-options', 'cli-usage', 'cli-fix'];

const layerRules = LAYERS.map((layer, i) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [
              ...LAYERS.slice(i + 1).flatMap((above) => [
                `../${above}/**`,
                `../../${above}/**`,
                `../../../${above}/**`,
              ]),
              ...SHELLS.flatMap((s) => [`../${s}.js`, `../../${s}.js`, `../../../${s}.js`]),
            ],
            message: `src/${layer} is below ${LAYERS.slice(i + 1).join(', ')} and the shells: import only from its own layer and ${LAYERS.slice(0, i).join(', ') || 'nothing else'} (see ARCHITECTURE.md).`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'build/**',
      'src/generated/**',
      'node_modules/**',
      '__tests__/fixtures/**',
      'examples/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...layerRules,
);
