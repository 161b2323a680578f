// Microsoft Exchange message tracking logs: CSV whose columns are named by a "#Fields:" header line.
// FAIL events are failures; DELIVER / SEND are deliveries; DEFER deferrals.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import { clipped } from '../detach';
import type { BounceEvent, Outcome } from '../types';
import { ENTRY_CHARS, LineSource, LogRecognizer, ParserState } from './recognizer';

const OUTCOME: Readonly<Record<string, Outcome>> = { FAIL: 'failed', DEFER: 'deferred', DELIVER: 'delivered', SEND: 'delivered' };
const FIELDS = '#Fields';
const COLUMNS = ['event-id', 'recipient-status', 'recipient-address', 'server-hostname', 'date-time', 'message-id'];

/** Splits one CSV line (RFC 4180 quoting, doubled quotes). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') { cell += '"'; index++; }
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { cells.push(cell); cell = ''; }
    else cell += char;
  }
  cells.push(cell);
  return cells;
}

export const exchangeRecognizer: LogRecognizer = {
  format: 'exchange',
  create(state: ParserState) {
    /** The columns of the last "#Fields:" line, under FIELDS: state like any other, so a worker that starts in the
     * middle of a log does not read rows by columns it has not seen. Every row depends on it, and a row's date is a
     * cell, not a stamp the line starts with: a range that needed the columns of an earlier one is read again whole. */
    const header = state.map<Map<string, number>>({ rangeWide: true });
    return (text: string, source: LineSource) => {
      if (text.startsWith('#Fields:')) {
        const names = text.slice(8).trim().split(',').map((name) => name.trim());
        // Only the columns read are remembered (a header line may hold thousands), each at its last place.
        header.set(FIELDS, new Map(COLUMNS.map((name) => [name, names.lastIndexOf(name)])), ENTRY_CHARS);
        return [];
      }
      if (text.startsWith('#')) return undefined;
      const columns = header.get(FIELDS);
      if (!columns) return undefined;
      const cells = splitCsvLine(text);
      const cell = (name: string) => cells[columns.get(name) ?? -1] ?? '';
      const eventId = cell('event-id');
      const outcome = Object.hasOwn(OUTCOME, eventId) ? OUTCOME[eventId] : undefined;
      if (!outcome) return [];
      const diagnostic = clipped(cell('recipient-status'));
      const events: BounceEvent[] = [];
      for (const raw of cell('recipient-address').split(';')) {
        const address = normalizeAddress(raw);
        if (!address) continue;
        events.push({
          address, outcome, status: enhancedCodeIn(diagnostic), reply: replyCodeIn(diagnostic), diagnostic,
          remoteMta: cell('server-hostname') || undefined, date: cell('date-time') || undefined,
          messageId: cell('message-id') || undefined, file: source.file, line: source.line, format: 'exchange',
        });
      }
      return events;
    };
  },
};
