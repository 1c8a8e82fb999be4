import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '__tests__/fixtures/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain Node scripts (the stand-in tools, the docs generator).
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', Buffer: 'readonly', URL: 'readonly', console: 'readonly' },
    },
  },
  {
    // Control characters are exactly what these patterns look for: they refuse them in inputs.
    files: ['src/inputs.ts', 'src/inputs/**'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // The CLI, scripts, stand-in tools and tests may print.
    files: ['src/cli.ts', 'scripts/**', 'bench/**', '__tests__/**'],
    rules: { 'no-console': 'off' },
  },
)
