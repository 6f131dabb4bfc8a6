import type { Page } from '../http/page-body.js';
import { asText } from '../io/read-json-file.js';
import type { PageFacts, PageToken } from './paginators/paginator.js';
import type { CheckedPage } from './record-pipeline.js';

/** What a paginator needs to know of a page, from the page and its checked records. */
export function factsOf(token: PageToken, page: Page, checked: CheckedPage | undefined, isRepeat: (uuid: string, ms: number) => boolean): PageFacts {
  const ms = checked?.ms ?? [];
  let ordered = true;
  let fresh = checked ? 0 : page.records.length;
  for (let i = 0; i < ms.length; i++) {
    if (i > 0 && ms[i]! < ms[i - 1]!) ordered = false;
    if (!isRepeat(checked!.records[i]!.uuid, ms[i]!)) fresh++;
  }
  return {
    token,
    count: page.records.length,
    fresh,
    totalElements: page.totalElements,
    totalPages: page.totalPages,
    reportedSize: page.pageSize,
    fingerprint: fingerprintOf(page.records),
    firstMs: ms[0],
    lastMs: ms[ms.length - 1],
    ordered,
  };
}

/** A page's content in short: its record count and its first and last records (uuid and lastModified). */
export function fingerprintOf(records: readonly unknown[]): string {
  if (records.length === 0) return '';
  const id = (r: unknown) => {
    const o = typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : {};
    return `${asText(o.uuid)}@${asText(o.lastModified)}`;
  };
  return `${records.length}:${id(records[0])}:${id(records[records.length - 1])}`;
}
