import type { TapConfig } from '../../src/config/options.js';

/** A complete, resolved config for engine tests (no retries' waits, small pages). */
export function engineConfig(overrides: Partial<TapConfig> = {}): TapConfig {
  return {
    baseUrl: 'https://api.example.com', clientId: 'id', clientSecret: 'secret', tokenUrl: 'https://api.example.com/oauth/token', scope: undefined, authMethod: 'body',
    startDate: Date.UTC(2024, 0, 1), endDate: undefined, bookingTypes: ['FLIGHT', 'HOTEL'], pageSize: 4, firstPage: 0, windowFromParam: 'updatedFrom', windowToParam: 'updatedTo',
    windowFormat: 'iso8601', lookbackWindowSeconds: 0, windowEndLagSeconds: 1, maxRetries: 3, backoffFactor: 0, maxRetryWaitSeconds: 0, requestTimeoutSeconds: 5, maxConcurrency: 3,
    schemaValidation: 'off', recordOrder: 'auto', allowInsecureHttp: false, userAgent: 'test', pagination: 'auto', maxRequestsPerSecond: null, maxResponseMb: 64,
    hashProperties: [], hashKey: undefined, dropProperties: [], ...overrides,
  };
}
