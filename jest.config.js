/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Integration tests share one Redis and spawn servers; a slow machine should not flake them.
  testTimeout: 60_000,
  maxWorkers: 2,
};
