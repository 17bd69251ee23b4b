/** One Jest config: small and medium specs beside the code, e2e specs under test/. */
const moduleNameMapper = {
  '^@arkgate/byteplus(|/.*)$': '<rootDir>/libs/byteplus/src$1',
  '^@arkgate/sandbox(|/.*)$': '<rootDir>/libs/sandbox/src$1',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] };
const base = { rootDir: __dirname, moduleFileExtensions: ['ts', 'js', 'json'], testEnvironment: 'node', transform, moduleNameMapper };
module.exports = {
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
