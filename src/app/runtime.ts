import { OAuth2ClientCredentials } from '../auth/oauth2.js';
import type { TapConfig } from '../config/options.js';
import { RecordChecker } from '../engine/record-check.js';
import { BOOKINGS_PATH, BookingsApi } from '../http/bookings-api.js';
import { RequestGate } from '../http/request-gate.js';
import { MEGABYTE, Transport } from '../http/transport.js';
import type { Logger } from '../logging/logger.js';
import { personalData, undeclaredWarning, type PersonalData } from '../privacy/personal-data.js';
import { validate as generatedBookingsValidator } from '../generated/bookings-validator.generated.js';
import { systemClock, type Clock } from '../util/clock.js';
import { HttpMetrics } from './http-metrics.js';

/** Everything a sync needs, built from a validated config. Protocol writers receive this, never build it. */
export interface Runtime {
  config: TapConfig;
  logger: Logger;
  transport: Transport;
  auth: OAuth2ClientCredentials;
  api: BookingsApi;
  gate: RequestGate;
  clock: Clock;
  metrics: HttpMetrics;
  checker: RecordChecker;
  /** hash_properties and drop_properties: the record editor and the schema published for the records. */
  personal: PersonalData;
  close(): void;
}

export function createRuntime(config: TapConfig, logger: Logger, clock: Clock = systemClock): Runtime {
  // The client's credentials are registered with the redactor by the OAuth2 client, which sends them; the hash key here.
  logger.redactor.add(config.hashKey);
  const personal = personalData(config);
  const undeclared = undeclaredWarning(personal.undeclared);
  if (undeclared) logger.warn(undeclared);
  const metrics = new HttpMetrics(logger, BOOKINGS_PATH);
  const transport = new Transport({ timeoutMs: config.requestTimeoutSeconds * 1000, userAgent: config.userAgent, maxSockets: config.maxConcurrency + 1, maxResponseBytes: config.maxResponseMb * MEGABYTE, observe: (e) => metrics.observe(e) });
  // max_concurrency: requests in flight, enforced by the gate; one socket each, and one more for the token endpoint.
  const gate = new RequestGate({ maxInFlight: config.maxConcurrency, maxPerSecond: config.maxRequestsPerSecond ?? undefined, clock });
  // The token endpoint shares the API's pauses when it is served by the same host.
  const sameHost = new URL(config.tokenUrl).host === new URL(config.baseUrl).host;
  const auth = new OAuth2ClientCredentials(
    { tokenUrl: config.tokenUrl, clientId: config.clientId, clientSecret: config.clientSecret, scope: config.scope, method: config.authMethod, retry: config },
    transport,
    logger,
    clock,
    sameHost ? gate : undefined,
  );
  const api = new BookingsApi(config, transport, auth, gate, logger, clock);
  // The bookings schema's validator, generated ahead of time (src/config/validator-outputs.ts): the first error only.
  const validate = config.schemaValidation === 'off' ? undefined : generatedBookingsValidator;
  const checker = new RecordChecker(validate, config.schemaValidation, logger);
  return { config, logger, transport, auth, api, gate, clock, metrics, checker, personal, close: () => transport.close() };
}
