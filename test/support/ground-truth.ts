import { isDeepStrictEqual } from 'node:util';
import type { Sandbox, SandboxBookingType } from '../../src/sandbox/index.js';
import { mergeByUuid } from './cli.js';

type Rec = Record<string, unknown>;

/** The sandbox's current records of the given booking types (the tap's defaults for the sandbox), uuid → record. */
export function truthOf(sandbox: Sandbox, types: SandboxBookingType[] = ['FLIGHT', 'HOTEL']): Map<string, Rec> {
  return mergeByUuid(types.flatMap((t) => sandbox.store.groundTruth(t)));
}

/**
 * What a merging target holds after the runs (uuid → latest record delivered) is exactly the ground truth: every
 * record, in its latest version, and nothing else. The one comparison every end-to-end test makes; it compares all
 * records first and reports the differences together (the first few as diffs), which is also far faster than an
 * `expect` per record.
 */
export function expectGroundTruth(delivered: Map<string, Rec>, truth: Map<string, Rec>): void {
  const missing = [...truth.keys()].filter((u) => !delivered.has(u));
  const extra = [...delivered.keys()].filter((u) => !truth.has(u));
  const different = [...truth].filter(([u, r]) => delivered.has(u) && !isDeepStrictEqual(delivered.get(u), r)).map(([u]) => u);
  expect({ missing, extra, different }).toEqual({ missing: [], extra: [], different: [] });
}
