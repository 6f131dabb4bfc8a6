import type { ErrorObject } from 'ajv';

/**
 * Ajv's errors in words. Apart from ajv.ts so that a sync, which validates with the validators generated ahead of
 * time (src/generated/), never loads ajv itself.
 */

const RANGE_KEYWORDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

interface Range {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

function isDescribed(schema: unknown): schema is { pattern_descriptor: string } {
  return typeof schema === 'object' && schema !== null && typeof (schema as { pattern_descriptor?: unknown }).pattern_descriptor === 'string';
}

function isRange(schema: unknown): schema is Range {
  return typeof schema === 'object' && schema !== null;
}

/** The whole allowed range of a number, e.g. "from 1 to 10000", "greater than 0 and at most 3600"; "" for none. */
export function describeRange({ minimum, maximum, exclusiveMinimum, exclusiveMaximum }: Range): string {
  if (minimum !== undefined && maximum !== undefined) return `from ${minimum} to ${maximum}`;
  const bounds = [
    minimum !== undefined ? `at least ${minimum}` : undefined,
    exclusiveMinimum !== undefined ? `greater than ${exclusiveMinimum}` : undefined,
    maximum !== undefined ? `at most ${maximum}` : undefined,
    exclusiveMaximum !== undefined ? `less than ${exclusiveMaximum}` : undefined,
  ];
  return bounds.filter(Boolean).join(' and ');
}

/**
 * One line per problem: "<path>: <message>", using the property name for required/additional errors. A number out
 * of range is given its whole allowed range and the value, when ajv was created with `verbose: true` (which
 * puts the schema and the value in each error).
 */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, root = ''): string[] {
  const lines = new Set<string>();
  for (const e of errors ?? []) {
    const path = `${root}${e.instancePath.replace(/^\//, '').replace(/\//g, '.')}`;
    const at = path === '' ? '' : `${path}: `;
    if (e.keyword === 'required') lines.add(`${path ? path + '.' : ''}${String(e.params.missingProperty)}: is required`);
    else if (e.keyword === 'additionalProperties') lines.add(`${at}unknown setting "${String(e.params.additionalProperty)}"`);
    else if (e.keyword === 'enum') lines.add(`${at}must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
    else if (e.keyword === 'pattern' && isDescribed(e.parentSchema)) lines.add(`${at}must be ${e.parentSchema.pattern_descriptor} (got ${JSON.stringify(e.data)})`);
    else if (e.keyword === 'format') lines.add(`${at}must be an ISO-8601 ${String(e.params.format)} (e.g. 2024-01-01T00:00:00Z)`);
    else if (RANGE_KEYWORDS.has(e.keyword) && isRange(e.parentSchema)) lines.add(`${at}must be ${describeRange(e.parentSchema)} (got ${JSON.stringify(e.data)})`);
    else lines.add(`${at}${e.message ?? e.keyword}`);
  }
  return [...lines];
}
