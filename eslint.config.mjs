// @ts-check
/**
 * Lint for the gateway, its libraries, tests, scripts, benchmarks and the console.
 * Type-aware rules (typescript-eslint `recommendedTypeChecked`) are on: floating promises and misused
 * promises are the bugs that matter most in a server that polls, settles and drains on shutdown.
 * Rules turned off below are deliberate house patterns; each says why.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'dist-bench/**', 'coverage/**', 'node_modules/**', 'console/dist/**', 'bench/results/**', '**/*.js', '**/*.cjs', '**/*.mjs'],
  },
  {
    files: ['src/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'console/src/**/*.{ts,tsx}', 'ormconfig.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // The nearest tsconfig per file: tsconfig.json for the server side, console/tsconfig.json for the console.
        // Console unit tests are in neither (the console build excludes them, the server build excludes console/).
        projectService: { allowDefaultProject: ['console/src/*.spec.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Bugs worth catching beyond the recommended set.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // An async method that does not await is how we implement a Promise-returning interface (ThrottlerStorage,
      // ThrottlerGuard hooks, test doubles of the upstream client): it turns a throw into a rejection, which is the contract.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
      'prefer-const': 'error',
    },
  },
  {
    // Nest reads constructor parameter types at run time (emitDecoratorMetadata): a class used only as a type
    // in an injected constructor must stay a value import, so type-only imports are not forced here.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // Tests read loosely typed JSON bodies (`res.body.x`) on purpose: asserting on the wire shape, not on our types.
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'libs/**/*.test-support.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // expect(obj.method).toHaveBeenCalled() is the jest idiom.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
