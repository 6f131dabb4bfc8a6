/**
 * What a catalog asks of the bookings stream. Singer's catalog (`selected` metadata, `replication-method`) and
 * Airbyte's configured catalog (a listed stream, `sync_mode`, the properties of its `json_schema`) are one idea in two
 * shapes; each is read into this, and nothing past the reading knows which it was.
 */
export interface Selection {
  /** false: the stream is not selected and nothing is emitted. */
  selected: boolean;
  /** Top-level properties to emit; undefined: all of them, including fields the API adds later. */
  properties: ReadonlySet<string> | undefined;
  /** incremental reads from the bookmarks; full_refresh (Singer's FULL_TABLE) ignores them. */
  syncMode: 'incremental' | 'full_refresh';
}

/** No catalog given: everything, incrementally. */
export const WHOLE_STREAM: Selection = Object.freeze({ selected: true, properties: undefined, syncMode: 'incremental' });
