import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tap's default max_concurrency, from spec.json, so the reference loop and the report follow the product. */
export function defaultMaxConcurrency(): number {
  const spec = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'spec.json');
  const parsed = JSON.parse(readFileSync(spec, 'utf8')) as { connectionSpecification: { properties: { max_concurrency: { default: number } } } };
  return parsed.connectionSpecification.properties.max_concurrency.default;
}
