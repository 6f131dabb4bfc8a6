/** Jest runs the TypeScript sources through ts-jest as native ESM. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/test/interop/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // tsconfig.json's isolatedModules makes ts-jest transpile each file alone, without type-checking it (already so
  // before issue 14; the tests' types are checked by npm run typecheck, about 10 s of CPU, which npm test does not run).
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 60000,
  // Two workers on two cores: the end-to-end tests mostly wait on child processes and timers, so they overlap well.
  maxWorkers: 2,
};
