// Lint: typescript-eslint's recommended rules, plus the one-way dependency rules of
// docs/ARCHITECTURE.md enforced as restricted imports.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const forbid = (patterns, message) => ({ 'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group, message })) }] })

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'web/dist/', 'test-artifacts/', 'tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['core/**/*.ts'], rules: forbid([['../store/*', '../collector/*', '../api/*', '../web/*', '../simulators/*', '../provisioning/*']], 'core imports nothing of ours') },
  { files: ['store/**/*.ts'], rules: forbid([['**/collector/*', '**/api/*', '**/web/*', '**/simulators/*']], 'store depends only on core') },
  { files: ['collector/**/*.ts'], rules: forbid([['**/api/*', '**/web/*', '**/simulators/*']], 'the collector never imports the api, web or simulators') },
  { files: ['api/**/*.ts'], rules: forbid([['**/collector/*', '**/web/src/*', '**/simulators/*']], 'the api never imports the collector or the simulators') },
  { files: ['uniques/**/*.ts'], rules: forbid([['**/collector/*', '**/api/*', '**/web/*', '**/simulators/*', '**/provisioning/*', '**/cli/*', '**/bench/*', '**/usage/*', '**/availability/*', '**/reports/*']], 'uniques imports core and store only') },
  { files: ['simulators/**/*.ts'], rules: forbid([['**/collector/*', '**/api/*', '**/web/*']], 'simulators are peers of the collector, talking SNMP only') },
  { files: ['incidents/**/*.ts'], rules: forbid([['**/collector/*', '**/api/*', '**/web/*', '**/simulators/*', '**/provisioning/*', '**/cli/*', '**/bench/*', '**/reports/*']], 'incidents imports core and store only') },
  { files: ['usage/**/*.ts', 'availability/**/*.ts', 'reports/**/*.ts', 'planning/**/*.ts', 'exports/**/*.ts'], rules: forbid([['**/api/*', '**/cli/*', '**/collector/*', '**/web/*', '**/simulators/*', '**/provisioning/*']], 'domain modules import core, store and each other only: the doors (cli, api, web) call them') },
  { files: ['backup/**/*.ts'], rules: forbid([['**/collector/*', '**/api/*', '**/web/*', '**/simulators/*', '**/provisioning/*', '**/cli/*', '**/bench/*', '**/incidents/*', '**/reports/*', '**/alerts/*', '**/uniques/*']], 'backup imports core and store only') },
  { files: ['accounts/**/*.ts'], rules: forbid([['**/collector/*', '**/api/*', '**/web/*', '**/simulators/*', '**/provisioning/*', '**/cli/*', '**/bench/*', '**/incidents/*', '**/reports/*', '**/alerts/*', '**/uniques/*', '**/backup/*', '**/doctor/*', '**/residents/*', '**/status/*', '**/operations/*', '**/planning/*', '**/exports/*', '**/usage/*', '**/availability/*']], 'accounts imports core and store only: the doors (cli, api, web) call it') },
  { files: ['doctor/**/*.ts'], rules: forbid([['**/api/*', '**/web/*', '**/simulators/*', '**/cli/*']], 'doctor imports core, store, collector and provisioning only: cli/doctor.ts calls it') },
  { files: ['provisioning/grafana/**/*.ts'], rules: forbid([['**/store/*', '**/collector/*', '**/api/*', '**/web/*', '**/simulators/*', '**/cli/*']], 'provisioning imports core only') },
  { files: ['provisioning/influxdb/**/*.ts'], rules: forbid([['**/store/*', '**/collector/*', '**/api/*', '**/web/*', '**/simulators/*', '**/cli/*']], 'provisioning imports core only') },
  { files: ['web/src/**/*.ts'], rules: forbid([['**/api/*', '**/store/*', '**/collector/*', '**/simulators/*', '**/provisioning/*']], 'the web talks to the api over HTTP only') },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
)
