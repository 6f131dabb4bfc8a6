import type { ApiShape } from './api-shape.js';
import { MAX_CHANGED_TRACKED } from './api-shape.js';
import type { ChangeEvidence } from './bookmark-policy.js';
import { formatDateTime } from '../util/time.js';
import type { ChangeLedger } from './change-ledger.js';

export interface EvidenceInput {
  shape: ApiShape;
  /** What the last pass delivered. */
  ledger: ChangeLedger;
  /** The read walked pages whose drift nobody watched (see Paginator.unguarded). */
  unguarded: boolean;
  /** The read ended by keyset, which nothing can shift. */
  keyset: boolean;
  /** Records the last page-number pass delivered twice (repeat-watch.ts). */
  repeats: number;
  /** The change probe (change-probe.ts): what changed after the window end, or why that could not be read. */
  probe(): Promise<ReadonlySet<number> | string>;
}

/**
 * At the end of a read: did a record delivered in it change while it went on? Only then can it have made the reader
 * skip another (it left the window, or moved to the end of an unwindowed list, shifting the records behind it), unless
 * the API's order itself moved: records delivered twice, unchanged, in one pass say so (repeat-watch.ts).
 * - a read whose drift was ruled out as it went (honest totals, keyset): clean;
 * - an API that ignores the window end lists every record, changed ones included: the pass must have seen as many
 *   distinct records as the API lists, and the changed ones (past the window end) are checked against the ledger;
 * - otherwise the change probe lists what changed after the window end, checked against the ledger.
 * In a sorted read nothing older than the page that delivered the first such record can be missing; in an unsorted
 * one, a missed record can lie anywhere.
 */
export async function changeEvidence(input: EvidenceInput): Promise<ChangeEvidence> {
  const { shape, ledger } = input;
  let changed: ReadonlySet<number>;
  if (input.repeats > 0) {
    return { kind: 'unknown', reason: `${input.repeats} ${input.repeats === 1 ? 'record' : 'records'} came twice in one pass over the pages, unchanged: the API's order is not the same from one request to the next (or records were added behind the reader), so others may have been skipped` };
  }
  if (input.keyset && !input.unguarded) return { kind: 'clean' };
  if (!shape.toHonoured) {
    if (shape.lastTotal !== undefined && shape.seenThisPass.size < shape.lastTotal) {
      return { kind: 'unknown', reason: `the read saw ${shape.seenThisPass.size} distinct records of the ${shape.lastTotal} the API lists, so records moved past it while it read` };
    }
    if (shape.lastTotal === undefined && shape.pastEnd.size > 0) {
      return { kind: 'unknown', reason: 'records changed while the read ran, and an API that ignores the window and reports no totals gives no way to tell whether one moved past the reader' };
    }
    if (shape.pastEndOverflow) return { kind: 'unknown', reason: `more than ${MAX_CHANGED_TRACKED} records lie past the window end` };
    changed = shape.pastEnd;
  } else if (input.unguarded) {
    const probed = await input.probe();
    if (typeof probed === 'string') return { kind: 'unknown', reason: probed };
    changed = probed;
  } else {
    return { kind: 'clean' };
  }
  const oldest = ledger.earliestDelivered(changed);
  if (oldest === undefined) return { kind: 'clean' };
  // Only an API believed to sort (record_order ascending, or enough records in order) has skipped records after the
  // changed one: a page of one record looks sorted whatever the API does.
  if (!shape.believedSorted) return { kind: 'unknown', reason: 'records delivered early in the read changed while it ran, and unless the API sorts by lastModified a record they made the reader skip can lie anywhere in the window' };
  return { kind: 'changed', oldest: { ms: oldest, value: formatDateTime(oldest) } };
}
