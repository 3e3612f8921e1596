import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'src/generated/**',
      '.spark/**',
      '.proto/**',
      '.vscode-e2e/**',
      'test-results/**',
      '.e2e/**',
      '.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        window: 'readonly',
        document: 'readonly',
        performance: 'readonly',
        NodeJS: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      // The pure core must never depend on VS Code: it runs in the CLI and in plain Node tests.
    },
  },
  {
    // An unhandled rejection in the extension host is a failure nobody sees: every promise in src/ is
    // awaited, returned, or explicitly voided where a fire-and-forget is meant (with its own catch).
    files: ['src/**/*.ts'],
    ignores: ['src/generated/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'src/core and src/cli must not import vscode.' }] },
      ],
    },
  },
  {
    // The VS Code layer reaches VS Code through the host seam (WorkbenchHost), so it is unit-tested
    // with a fake. Only the seam and the composition root import 'vscode'.
    files: ['src/vscode/**/*.ts', 'src/webview/**/*.ts'],
    ignores: ['src/vscode/host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'Reach VS Code through the host seam (src/vscode/host/).' }] },
      ],
    },
  },
);
