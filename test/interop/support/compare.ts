import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

type Row = Record<string, unknown>;

const schema = JSON.parse(readFileSync(resolve('src/schema/bookings.schema.json'), 'utf8')) as { properties: Record<string, { format?: string }> };
const DATE_TIME = new Set(Object.entries(schema.properties).filter(([, p]) => p.format === 'date-time').map(([k]) => k));

const BY_LOWER = new Map(Object.keys(schema.properties).map((k) => [k.toLowerCase(), k]));

/** Give a loader's lower-cased column names (PyAirbyte's caches fold case) back their schema spelling. */
export function withSchemaNames(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [BY_LOWER.get(k) ?? k, v]));
}

/** A timestamp as a loader gives it back (PostgreSQL's `timestamp` has no zone: it holds UTC) → epoch ms. */
function instant(value: string): number {
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  return Date.parse(zoned.replace(' ', 'T'));
}

function sameValue(key: string, loaded: unknown, truth: unknown): boolean {
  if (truth === undefined || truth === null) return loaded === undefined || loaded === null;
  if (DATE_TIME.has(key) && typeof truth === 'string' && typeof loaded === 'string') return instant(loaded) === instant(truth);
  if (typeof truth === 'number') return Number(loaded) === truth;
  return isDeepStrictEqual(loaded, truth);
}

export interface Comparison {
  rows: number;
  truth: number;
  duplicates: string[];
  missing: string[];
  unexpected: string[];
  /** `uuid.field: loaded ≠ truth` for the first differences found. */
  differences: string[];
}

/**
 * Compare what a loader holds with the sandbox's ground truth: one row per uuid, no uuid missing or extra,
 * and every field of every record equal (loader metadata columns such as _sdc_* / _airbyte_* are ignored).
 */
export function compareWithTruth(rows: Row[], truth: Row[], maxDifferences = 20): Comparison {
  const byUuid = new Map<string, Row>();
  const duplicates: string[] = [];
  for (const row of rows) {
    const id = String(row.uuid);
    if (byUuid.has(id)) duplicates.push(id);
    byUuid.set(id, row);
  }
  const truthIds = new Set(truth.map((r) => String(r.uuid)));
  const missing = [...truthIds].filter((id) => !byUuid.has(id));
  const unexpected = [...byUuid.keys()].filter((id) => !truthIds.has(id));
  const differences: string[] = [];
  for (const record of truth) {
    const row = byUuid.get(String(record.uuid));
    if (!row) continue;
    for (const [key, value] of Object.entries(record)) {
      if (!sameValue(key, row[key], value)) {
        differences.push(`${String(record.uuid)}.${key}: ${JSON.stringify(row[key])} ≠ ${JSON.stringify(value)}`);
        if (differences.length >= maxDifferences) break;
      }
    }
    if (differences.length >= maxDifferences) break;
  }
  return { rows: rows.length, truth: truth.length, duplicates, missing, unexpected, differences };
}

/** What a passing comparison looks like, for `expect(compareWithTruth(...)).toEqual(matches(n))`. */
export function matches(n: number): Comparison {
  return { rows: n, truth: n, duplicates: [], missing: [], unexpected: [], differences: [] };
}
