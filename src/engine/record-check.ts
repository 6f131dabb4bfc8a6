import type { BookingType, SchemaValidationMode } from '../config/options.js';
import { ApiDataError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { describeAjvErrors } from '../util/ajv-errors.js';
import type { SchemaValidator } from '../util/ajv.js';
import { parseDateTime } from '../util/time.js';

export type BookingRecord = Record<string, unknown> & { uuid: string; lastModified: string };

export interface CheckedRecord {
  record: BookingRecord;
  lastModifiedMs: number;
}

/**
 * Checks each record as it arrives: uuid and lastModified must be usable (otherwise the sync stops, naming
 * the booking type, page and index: nothing is dropped silently); other schema mismatches warn once per field,
 * fail, or are ignored, as schema_validation says.
 */
export class RecordChecker {
  private readonly warned = new Set<string>();

  constructor(
    private readonly validate: SchemaValidator | undefined,
    private readonly mode: SchemaValidationMode,
    private readonly logger: Logger,
  ) {}

  check(raw: unknown, where: { bookingType: BookingType; page: number; index: number }): CheckedRecord {
    const at = () => `${where.bookingType} page ${where.page}, record ${where.index}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ApiDataError(`The API returned a record that is not a JSON object (${at()}).`);
    }
    const rec = raw as Record<string, unknown>;
    if (typeof rec.uuid !== 'string' || rec.uuid === '') {
      throw new ApiDataError(`The API returned a record without a uuid (${at()}); uuid is the primary key, so the sync stops rather than drop it.`);
    }
    const uuid: string = rec.uuid;
    const lm = typeof rec.lastModified === 'string' ? parseDateTime(rec.lastModified) : undefined;
    if (lm === undefined) {
      throw new ApiDataError(`Record ${uuid} (${at()}) has an unreadable lastModified ${JSON.stringify(rec.lastModified)}; it is the replication key, so the sync stops rather than drop it.`);
    }
    if (this.validate && this.mode !== 'off' && !this.validate(rec)) this.reportMismatch(uuid, at());
    return { record: rec as BookingRecord, lastModifiedMs: lm };
  }

  private reportMismatch(uuid: string, at: string): void {
    const problems = describeAjvErrors(this.validate!.errors);
    if (this.mode === 'fail') {
      throw new ApiDataError(`Record ${uuid} (${at}) does not match the bookings schema: ${problems.join('; ')} (set schema_validation to "warn" to load it anyway).`);
    }
    for (const problem of problems) {
      const field = problem.split(':')[0] ?? problem;
      if (this.warned.has(field)) continue;
      this.warned.add(field);
      this.logger.warn(`Schema mismatch in ${field} (first seen in record ${uuid}, ${at}): ${problem}. The record is written as received; further mismatches of this field are not reported.`);
    }
  }
}
