// Output formats: the suppression list (text), CSV with every field, JSON.
import type { BounceRecord } from './types';

export type OutputFormat = 'text' | 'csv' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'csv', 'json'];

const CSV_FIELDS: readonly (keyof BounceRecord)[] = ['address', 'status', 'reply', 'type', 'reason', 'rule', 'source', 'diagnostic', 'remoteMta', 'date', 'messageId', 'file', 'line', 'count', 'firstSeen', 'lastSeen'];

/** A CSV cell: quoted when needed; a leading = + - @ tab or CR is prefixed with ' so spreadsheets show it as text. */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Renders records; in text form review and soft bounces (present only with --all) carry a "# review" or "# soft" note. */
export function formatRecords(records: readonly BounceRecord[], format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(records, null, 2)}\n`;
    case 'csv':
      return [CSV_FIELDS.join(','), ...records.map((record) => CSV_FIELDS.map((field) => csvCell(record[field])).join(','))].join('\r\n') + '\r\n';
    case 'text':
      return records.map((record) => (record.type === 'hard' ? record.address : `${record.address}\t# ${record.type}: ${record.reason}`)).join('\n') + (records.length ? '\n' : '');
  }
}
