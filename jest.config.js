/**
 * Three projects, the test pyramid: `unit` (pure logic, no I/O), `medium` (services and repositories
 * against a real database: SQLite in memory, or PostgreSQL when DATABASE_URL is set) and `e2e` (the
 * real app over HTTP against the sandbox on a real port).
 */
const moduleNameMapper = {
  '^@arkgate/byteplus(|/.*)$': '<rootDir>/libs/byteplus/src$1',
  '^@arkgate/sandbox(|/.*)$': '<rootDir>/libs/sandbox/src$1',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] };
// dist/ (`npm start`'s build) and dist-bench/ (`npm run bench`'s) are compiled copies of the sources: never modules the tests load.
const base = {
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/dist-bench/'],
};
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/console/src/**/*.spec.ts',
        '<rootDir>/test/architecture/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
      ],
      testPathIgnorePatterns: ['/node_modules/', '\\.medium\\.spec\\.ts$'],
    },
    { ...base, displayName: 'medium', testMatch: ['<rootDir>/src/**/*.medium.spec.ts', '<rootDir>/libs/**/*.medium.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
