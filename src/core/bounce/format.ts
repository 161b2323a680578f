// Output formats: the suppression list (text), CSV with every field, JSON, and NDJSON (one record a line, for
// pipelines). Text read from the inputs never reaches
// the output raw when it could act on a terminal or split a record: text and CSV show such characters as "\x1b" or
// "\u202e", JSON as \u escapes (the same strings for a parser).
import { escapeUnsafe, escapeUnsafeInJson } from './safeText';
import type { DeliveredEntry } from './deliveries';
import type { InputEnd } from './merge';
import type { BounceRecord, ListedRecord } from './types';

export type OutputFormat = 'text' | 'csv' | 'json' | 'ndjson';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'csv', 'json', 'ndjson'];

/** A record's fields in the order every format writes them. */
export const RECORD_FIELDS: readonly (keyof BounceRecord)[] = ['address', 'status', 'reply', 'type', 'reason', 'rule', 'source', 'diagnostic', 'remoteMta', 'date', 'messageId', 'file', 'line', 'count', 'firstSeen', 'lastSeen', 'yearInferred'];

/** A CSV cell: quoted when needed; a leading = + - or @ is prefixed with ' so spreadsheets show it as text. */
export function csvCell(value: string | number | boolean | null): string {
  // Escaped first: a TAB or CR (which spreadsheets also read as a formula start) cannot remain.
  let text = value === null ? '' : escapeUnsafe(String(value));
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record in JSON.stringify(records, null, 2)'s layout, as an element of the array. */
const jsonElement = (record: BounceRecord) => `  ${escapeUnsafeInJson(JSON.stringify(record, null, 2)).replace(/\n/g, '\n  ')}`;

/**
 * The rendered output piece by piece (one per record, plus a header or the brackets), so a caller can write it
 * without ever holding it as one string: hundreds of thousands of records exceed the longest string V8 makes.
 * In text form review and soft bounces (present only with --all) carry a "# review" or "# soft" note.
 */
export function* formattedPieces(records: Iterable<BounceRecord>, format: OutputFormat): Generator<string> {
  switch (format) {
    case 'json': {
      // Each element is written when the next one comes (or the end), which says whether a comma follows it.
      let previous: string | undefined;
      for (const record of records) {
        yield previous === undefined ? '[\n' : `${previous},\n`;
        previous = jsonElement(record);
      }
      yield previous === undefined ? '[]\n' : `${previous}\n]\n`;
      return;
    }
    case 'ndjson':
      yield* ndjsonPieces(records);
      return;
    case 'csv':
      yield `${RECORD_FIELDS.join(',')}\r\n`;
      for (const record of records) yield `${RECORD_FIELDS.map((field) => csvCell(record[field])).join(',')}\r\n`;
      return;
    case 'text':
      yield* listedPieces(records);
  }
}

/** NDJSON piece by piece, a line each: records, or the other lines of the map step's output (merge.ts). */
export function* ndjsonPieces(lines: Iterable<BounceRecord | DeliveredEntry | InputEnd>): Generator<string> {
  for (const line of lines) yield `${escapeUnsafeInJson(JSON.stringify(line))}\n`;
}

/** The suppression list (text output) piece by piece, of records or of what it shows of them (ListedRecord). */
export function* listedPieces(records: Iterable<ListedRecord>): Generator<string> {
  for (const record of records) {
    const address = escapeUnsafe(record.address);
    yield record.type === 'hard' ? `${address}\n` : `${address}\t# ${record.type}: ${record.reason}\n`;
  }
}

/** The whole rendered output as one string, for an editor document. */
export function formatRecords(records: Iterable<BounceRecord>, format: OutputFormat): string {
  return [...formattedPieces(records, format)].join('');
}
