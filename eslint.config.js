// ESLint: typescript-eslint with type information; lint also guards the architecture (domain
// modules stay free of I/O libraries).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'packages/contracts/src/gen/**', 'packages/contracts/src/index.ts', 'load-tests/**/*.js', '**/*.js', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    // web/src is type-checked by web/tsconfig.json (DOM, bundler resolution), found by the project service.
    files: ['services/*/src/**/*.ts', 'packages/*/src/**/*.ts', 'web/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests, benches and scripts run through tsx, outside the project references: no type info.
    files: ['**/test/**/*.ts', 'test-support/**/*.ts', '**/bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['pg', 'ioredis', 'nats', '@grpc/*', 'socket.io', 'mediasoup', 'node:fs', 'node:net', 'node:http'], message: 'domain/ is pure: put I/O in an adapter' }] }],
    },
  },
);
