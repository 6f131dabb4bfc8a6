/**
 * The tap's settings, typed once: `Settings` is generated from spec.json (the one definition: types, defaults,
 * bounds, secrets), and `TapConfig` is the same in camelCase with the values load-config.ts works out (dates as
 * epoch ms, token URL and User-Agent defaulted). A setting added to spec.json appears here after `npm run generate`.
 */
import type { Settings } from './settings.generated.js';

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
type CamelKeys<T> = { readonly [K in keyof T as CamelCase<K & string>]: T[K] };

/** Settings whose resolved value is not spec.json's value as given. */
export interface Resolved {
  /** Epoch ms. */
  readonly startDate: number;
  /** Epoch ms, or undefined for "the moment the sync starts". */
  readonly endDate: number | undefined;
  /** `${baseUrl}/oauth/token` unless set. */
  readonly tokenUrl: string;
  /** `tap-bookings/<version>` unless set. */
  readonly userAgent: string;
}

export type TapConfig = Omit<CamelKeys<Settings>, keyof Resolved> & Resolved;

export type BookingType = TapConfig['bookingTypes'][number];
export type WindowFormat = TapConfig['windowFormat'];
export type SchemaValidationMode = TapConfig['schemaValidation'];
export type RecordOrder = TapConfig['recordOrder'];
export type Pagination = TapConfig['pagination'];
