import type { BookingType } from '../config/options.js';
import type { Page } from '../http/page-body.js';
import type { RecordEditor } from '../privacy/record-editor.js';
import type { BookingRecord, RecordChecker } from './record-check.js';

/** A page's records after checking: each record and its lastModified in ms, in page order. */
export interface CheckedPage {
  records: BookingRecord[];
  ms: number[];
}

/** What a page delivers: the records to write and, when writers may copy them, their bytes as received. */
export interface Delivery {
  records: BookingRecord[];
  /** Each delivered record's lastModified in ms. */
  ms: number[];
  /** Each record's bytes for the writers: always there when an editor is (records then hold the unedited values). */
  raw: Uint8Array[] | undefined;
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
 * window would ever hold them), project (only the selected properties), edit (hash_properties and drop_properties,
 * on the bytes the writers copy: records are checked as the API sent them, before any edit).
 */
export class RecordPipeline {
  constructor(
    private readonly checker: RecordChecker,
    private readonly bookingType: BookingType,
    private readonly window: { from: number; to: number },
    /** Properties to keep (undefined keeps all). */
    private readonly selected: ReadonlySet<string> | undefined,
    private readonly editor?: RecordEditor | undefined,
  ) {}

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
    // Each kept record's bytes as the API sent them, when writers may copy them (not when properties are dropped).
    const pageRaw = this.selected ? undefined : page.rawRecords;
    const editor = this.editor;
    // With an editor, every record goes out as edited bytes: those received, or (where none can be copied) serialised.
    const raw: Uint8Array[] | undefined = editor || pageRaw ? [] : undefined;
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
      const delivered = this.selected ? pick(record, this.selected) : record;
      out.push(delivered);
      outMs.push(ms);
      if (editor) raw!.push(editor.edit(pageRaw?.[i] ?? Buffer.from(JSON.stringify(delivered))));
      else if (raw) raw.push(pageRaw![i]!);
    }
    return { records: out, ms: outMs, raw, outside, repeats, insane };
  }
}

function pick(record: BookingRecord, keep: ReadonlySet<string>): BookingRecord {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) if (keep.has(key)) out[key] = record[key];
  return out as BookingRecord;
}
