import { readFileSync } from 'node:fs';

/**
 * Files shipped at the package root (spec.json, catalog.json, package.json, the schema).
 * This module sits one level below the root in both src/ and dist/, so the same relative URL works for both.
 */
export function packagePath(relative: string): string {
  return new URL(`../${relative}`, import.meta.url).pathname;
}

const cache = new Map<string, unknown>();

/** Parse a JSON file shipped with the package, once per process. */
export function packageJson<T>(relative: string): T {
  if (!cache.has(relative)) cache.set(relative, JSON.parse(readFileSync(packagePath(relative), 'utf8')));
  return cache.get(relative) as T;
}

export function packageVersion(): string {
  return packageJson<{ version: string }>('package.json').version;
}
