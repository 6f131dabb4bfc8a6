/** The interop suite (npm run test:interop): real PostgreSQL, target-postgres, Meltano and PyAirbyte. */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['**/test/interop/**/*.interop.test.ts'],
  testPathIgnorePatterns: [],
  testTimeout: 600000,
  maxWorkers: 1,
};
