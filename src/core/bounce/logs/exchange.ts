// Microsoft Exchange message tracking logs: CSV whose columns are named by a "#Fields:" header line.
// FAIL events are failures; DELIVER / SEND are deliveries; DEFER deferrals.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import { clipped } from '../detach';
import type { BounceEvent, Outcome } from '../types';
import { HeaderColumns } from './csv';
import { LineSource, LogRecognizer, ParserState } from './recognizer';

const OUTCOME: Readonly<Record<string, Outcome>> = { FAIL: 'failed', DEFER: 'deferred', DELIVER: 'delivered', SEND: 'delivered' };
const FIELDS = '#Fields:';
const COLUMNS = ['event-id', 'recipient-status', 'recipient-address', 'server-hostname', 'date-time', 'message-id'];

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
    const header = new HeaderColumns(state, COLUMNS);
    return (text: string, source: LineSource) => {
      if (text.startsWith(FIELDS)) {
        header.read(text.slice(FIELDS.length).split(','));
        return [];
      }
      if (text.startsWith('#')) return undefined;
      const cell = header.cellsOf(text);
      if (!cell) return undefined;
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
