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

/**
 * Splits one CSV line (RFC 4180 quoting, doubled quotes). Runs between quotes and commas are sliced, not added a
 * character at a time: a 4 MB cell built so held a rope of four million pieces (300 MB). The next comma and the next
 * quote are looked for again only once passed: looked for at every field, a line of 400,000 commas and no quote took
 * 0.8 s (its end was searched for a quote 400,000 times), and 4 MB of them over a minute.
 */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let pieces: string[] = [];
  let quoted = false;
  let from = 0;
  // -1: none left; below the position read: to be looked for.
  let comma = -2;
  let quote = -2;
  for (let at = 0; at <= line.length;) {
    if (quote !== -1 && quote < at) quote = line.indexOf('"', at);
    if (quoted) {
      if (quote < 0) {
        // An unclosed quote runs to the end of the line.
        pieces.push(line.slice(at));
        cells.push(pieces.join(''));
        break;
      }
      pieces.push(line.slice(at, quote));
      if (line[quote + 1] === '"') {
        pieces.push('"');
        at = quote + 2;
      } else {
        quoted = false;
        at = from = quote + 1;
      }
      continue;
    }
    if (comma !== -1 && comma < at) comma = line.indexOf(',', at);
    const end = comma < 0 ? line.length : comma;
    if (quote >= 0 && quote < end) {
      pieces.push(line.slice(from, quote));
      quoted = true;
      at = quote + 1;
      continue;
    }
    pieces.push(line.slice(from, end));
    cells.push(pieces.join(''));
    pieces = [];
    at = from = end + 1;
  }
  return cells;
}

/** Where one recipient's status ends and the next one's starts: a ";" before a reply code (a status's own text may
 * hold a ";", as in "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found"). */
const NEXT_STATUS = /;(?=\s*\d{3}[ -])/;

/**
 * The status of each of `recipients`: a row for several recipients lists one status per recipient, in their order,
 * separated by ";". When the count differs, every recipient gets the whole field, as one status.
 */
function statusesOf(field: string, recipients: number): { diagnostic: string; status?: string; reply?: string }[] {
  const read = (text: string) => {
    const diagnostic = clipped(text.trim());
    return { diagnostic, status: enhancedCodeIn(diagnostic), reply: replyCodeIn(diagnostic) };
  };
  const parts = recipients > 1 ? field.split(NEXT_STATUS) : [];
  return parts.length === recipients ? parts.map(read) : [read(field)];
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
      const addresses = cell('recipient-address').split(';');
      const statuses = statusesOf(cell('recipient-status'), addresses.length);
      const remoteMta = cell('server-hostname') || undefined;
      const date = cell('date-time') || undefined;
      const messageId = cell('message-id') || undefined;
      const events: BounceEvent[] = [];
      for (const [index, raw] of addresses.entries()) {
        const address = normalizeAddress(raw);
        if (!address) continue;
        const { diagnostic, status, reply } = statuses[index] ?? statuses[0];
        events.push({ address, outcome, status, reply, diagnostic, remoteMta, date, messageId, file: source.file, line: source.line, format: 'exchange' });
      }
      return events;
    };
  },
};
