/**
 * The tap's settings, typed once. The JSON Schema in spec.json is the source of truth for
 * validation and documentation; this interface is the resolved, defaulted, frozen form the code uses.
 */
export type BookingType = 'FLIGHT' | 'HOTEL' | 'CAR' | 'RAIL';
export type WindowFormat = 'iso8601' | 'epoch_seconds' | 'epoch_millis';
export type SchemaValidationMode = 'warn' | 'fail' | 'off';
export type RecordOrder = 'auto' | 'ascending' | 'unsorted';
export type Pagination = 'auto' | 'page_number' | 'keyset';

export interface TapConfig {
  /** Base URL of the API. @example "https://api.example.com" */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** @default `${baseUrl}/oauth/token` */
  readonly tokenUrl: string;
  readonly scope: string | undefined;
  /** @default "body" */
  readonly authMethod: 'body' | 'basic';
  /** Epoch ms. */
  readonly startDate: number;
  /** Epoch ms, or undefined for "the moment the sync starts". */
  readonly endDate: number | undefined;
  /** @default ["FLIGHT", "HOTEL"] */
  readonly bookingTypes: readonly BookingType[];
  /** @default 50 */
  readonly pageSize: number;
  /** @default 0 */
  readonly firstPage: number;
  /** @default "updatedFrom"; null sends no window start. */
  readonly windowFromParam: string | null;
  /** @default "updatedTo"; null sends no window end. */
  readonly windowToParam: string | null;
  /** @default "iso8601" */
  readonly windowFormat: WindowFormat;
  /** @default 0 */
  readonly lookbackWindowSeconds: number;
  /** @default 3 */
  readonly maxRetries: number;
  /** @default 2 */
  readonly backoffFactor: number;
  /** @default 60 */
  readonly maxRetryWaitSeconds: number;
  /** @default 30 */
  readonly requestTimeoutSeconds: number;
  /**
   * Requests in flight to the API at once, across booking types (RequestGate). Everything else is derived from it:
   * one socket per request (and one for the token endpoint), and each booking type keeps requested ahead its share of
   * it among the types being read. @default 16
   */
  readonly maxConcurrency: number;
  /** @default "warn" */
  readonly schemaValidation: SchemaValidationMode;
  /** @default "auto" */
  readonly recordOrder: RecordOrder;
  /** @default false */
  readonly allowInsecureHttp: boolean;
  /** @default "tap-bookings/<version>" */
  readonly userAgent: string;
  /** @default "auto" */
  readonly pagination: Pagination;
  /** Requests per second at most, evenly spaced; undefined for no cap. @default null */
  readonly maxRequestsPerSecond: number | undefined;
  /**
   * Most megabytes (of 1,048,576 bytes) any response body may have, counted after decompression, token responses
   * included; a larger one is cut off there and fails the request. 1 to 1024. @default 64
   */
  readonly maxResponseMb: number;
  /** Property paths whose values are replaced by their HMAC-SHA-256 (src/privacy/). @default [] */
  readonly hashProperties: readonly string[];
  /** The HMAC key of hashProperties (a secret); required when any are set. */
  readonly hashKey: string | undefined;
  /** Property paths removed from records and schema (src/privacy/). @default [] */
  readonly dropProperties: readonly string[];
}
