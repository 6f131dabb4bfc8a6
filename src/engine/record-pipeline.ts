import type { BookingType } from '../config/options.js';
import type { Page } from '../http/page-body.js';
import type { RecordEditor } from '../privacy/record-editor.js';
import { MemberNames, selectMembers } from '../util/json-bytes.js';
import type { BookingRecord, RecordChecker } from './record-check.js';

/** A page's records after checking: each record and its lastModified in ms, in page order. */
export interface CheckedPage {
  records: BookingRecord[];
  ms: number[];
}

/** What a page delivers: the records (as parsed, whole) and what the writers copy, each record's bytes. */
export interface Delivery {
  records: BookingRecord[];
  /** Each delivered record's lastModified in ms. */
  ms: number[];
  /** Each delivered record's bytes as the API sent them, only its selected members when a catalog deselects some. */
  raw: Uint8Array[];
  /** Records outside the window (an API that ignores the window parameters), trimmed here. */
  outside: number;
  /** Records this read had delivered already (keyset re-reads its start's second). */
  repeats: number;
  /** Delivered records whose lastModified lies outside any sane range (see SANE_PAST, SANE_FUTURE_MS). */
  insane: BookingRecord[];
}

/** A lastModified before this is no real modification time. */
export const SANE_PAST = Date.UTC(1900, 0, 1);
/** Nor one more than this after the window end (about a year). */
export const SANE_FUTURE_MS = 366 * 24 * 3600 * 1000;

/**
 * What happens to each record between the page and the writer: check (uuid and lastModified usable, schema),
 * window (records outside [from, to] are trimmed, unless dated outside any sane range: those are delivered, since no
 * window would ever hold them), project (only the selected properties, copied from the record's bytes: no value is
 * ever serialised again, so each is written exactly as the API wrote it), edit (hash_properties and drop_properties,
 * on those bytes: records are checked as the API sent them, before any edit).
 */
export class RecordPipeline {
  private readonly keep: MemberNames | undefined;

  constructor(
    private readonly checker: RecordChecker,
    private readonly bookingType: BookingType,
    private readonly window: { from: number; to: number },
    /** Properties to keep (undefined keeps all). */
    selected: ReadonlySet<string> | undefined,
    private readonly editor?: RecordEditor | undefined,
  ) {
    this.keep = selected && new MemberNames(selected);
  }

  check(page: Page): CheckedPage {
    const records = new Array<BookingRecord>(page.records.length);
    const ms = new Array<number>(page.records.length);
    for (let i = 0; i < page.records.length; i++) {
      const checked = this.checker.check(page.records[i], { bookingType: this.bookingType, page: page.page, index: i });
      records[i] = checked.record;
      ms[i] = checked.lastModifiedMs;
    }
    return { records, ms };
  }

  deliver(page: Page, checked: CheckedPage, isRepeat: (uuid: string, ms: number) => boolean): Delivery {
    const { from, to } = this.window;
    const out: BookingRecord[] = [];
    const outMs: number[] = [];
    const raw: Uint8Array[] = [];
    let outside = 0;
    let repeats = 0;
    const insane: BookingRecord[] = [];
    for (let i = 0; i < checked.records.length; i++) {
      const record = checked.records[i]!;
      const ms = checked.ms[i]!;
      // A record dated out of any sane range would otherwise be trimmed by every window for ever: it is delivered.
      const sane = ms >= SANE_PAST && ms <= to + SANE_FUTURE_MS;
      if ((ms < from || ms > to) && sane) {
        outside++;
        continue;
      }
      if (!sane) insane.push(record);
      if (isRepeat(record.uuid, ms)) {
        repeats++;
        continue;
      }
      out.push(record);
      outMs.push(ms);
      // The noted commas are those of the record as received: a projection is a new object, walked by the editor.
      const members = page.members?.(i);
      const bytes = this.keep ? selectMembers(page.rawRecords[i]!, this.keep, members) : page.rawRecords[i]!;
      raw.push(this.editor ? this.editor.edit(bytes, this.keep ? undefined : members) : bytes);
    }
    return { records: out, ms: outMs, raw, outside, repeats, insane };
  }
}
