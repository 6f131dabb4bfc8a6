import { OAuth2ClientCredentials } from '../auth/oauth2.js';
import { bookingsSchema } from '../catalog/bookings-schema.js';
import type { TapConfig } from '../config/options.js';
import { RecordChecker } from '../engine/record-check.js';
import { AdaptiveLimiter } from '../http/adaptive-limiter.js';
import { BookingsApi } from '../http/bookings-api.js';
import { Transport } from '../http/transport.js';
import type { Logger } from '../logging/logger.js';
import { createAjv } from '../util/ajv.js';
import { HttpMetrics } from './http-metrics.js';

/** Everything a sync needs, built from a validated config. Protocol writers receive this, never build it. */
export interface Runtime {
  config: TapConfig;
  logger: Logger;
  transport: Transport;
  auth: OAuth2ClientCredentials;
  api: BookingsApi;
  limiter: AdaptiveLimiter;
  metrics: HttpMetrics;
  checker: RecordChecker;
  close(): void;
}

export function createRuntime(config: TapConfig, logger: Logger): Runtime {
  logger.redactor.add(config.clientSecret);
  logger.redactor.add(config.clientId);
  const transport = new Transport({ timeoutMs: config.requestTimeoutSeconds * 1000, userAgent: config.userAgent, maxSockets: config.maxConcurrency * 2 });
  const auth = new OAuth2ClientCredentials(
    { tokenUrl: config.tokenUrl, clientId: config.clientId, clientSecret: config.clientSecret, scope: config.scope, method: config.authMethod, retry: config },
    transport,
    logger,
  );
  const limiter = new AdaptiveLimiter(config.maxConcurrency);
  const metrics = new HttpMetrics(logger);
  const api = new BookingsApi(config, transport, auth, limiter, logger, (e) => metrics.observe(e));
  const validate = config.schemaValidation === 'off' ? undefined : createAjv({ allErrors: false }).compile(bookingsSchema());
  const checker = new RecordChecker(validate, config.schemaValidation, logger);
  return { config, logger, transport, auth, api, limiter, metrics, checker, close: () => transport.close() };
}
