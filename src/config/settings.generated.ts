// Generated from spec.json by `npm run generate` (src/config/spec-outputs.ts). Edit spec.json, not this file.

/** Every setting of spec.json, as a resolved config holds it (spec.json's defaults applied; undefined when unset). */
export interface Settings {
  /** API base URL */
  readonly base_url: string;
  /** OAuth2 client ID */
  readonly client_id: string;
  /** OAuth2 client secret */
  readonly client_secret: string;
  /** OAuth2 token URL */
  readonly token_url: string | undefined;
  /** OAuth2 scope */
  readonly scope: string | undefined;
  /** Client authentication. @default "body" */
  readonly auth_method: "body" | "basic";
  /** Start date */
  readonly start_date: string;
  /** End date */
  readonly end_date: string | undefined;
  /** Booking types. @default ["FLIGHT","HOTEL"] */
  readonly booking_types: readonly ("FLIGHT" | "HOTEL" | "CAR" | "RAIL")[];
  /** Page size. @default 50 */
  readonly page_size: number;
  /** First page number. @default 0 */
  readonly first_page: number;
  /** Window start parameter. @default "updatedFrom" */
  readonly window_from_param: string | null;
  /** Window end parameter. @default "updatedTo" */
  readonly window_to_param: string | null;
  /** Window parameter format. @default "iso8601" */
  readonly window_format: "iso8601" | "epoch_seconds" | "epoch_millis";
  /** Lookback window (seconds). @default 0 */
  readonly lookback_window_seconds: number;
  /** Window end lag (seconds). @default 1 */
  readonly window_end_lag_seconds: number;
  /** Max retries. @default 3 */
  readonly max_retries: number;
  /** Backoff factor (seconds). @default 2 */
  readonly backoff_factor: number;
  /** Longest single wait (seconds). @default 60 */
  readonly max_retry_wait_seconds: number;
  /** Request timeout (seconds). @default 30 */
  readonly request_timeout_seconds: number;
  /** Max concurrent requests. @default 16 */
  readonly max_concurrency: number;
  /** Schema mismatches. @default "warn" */
  readonly schema_validation: "warn" | "fail" | "off";
  /** Record order. @default "auto" */
  readonly record_order: "auto" | "ascending" | "unsorted";
  /** Pagination. @default "auto" */
  readonly pagination: "auto" | "page_number" | "keyset";
  /** Max requests per second. @default null */
  readonly max_requests_per_second: number | null;
  /** Largest response (MB). @default 64 */
  readonly max_response_mb: number;
  /** Allow plain http://. @default false */
  readonly allow_insecure_http: boolean;
  /** User-Agent */
  readonly user_agent: string | undefined;
  /** Properties to hash. @default [] */
  readonly hash_properties: readonly (string)[];
  /** Hash key */
  readonly hash_key: string | undefined;
  /** Properties to drop. @default [] */
  readonly drop_properties: readonly (string)[];
}
