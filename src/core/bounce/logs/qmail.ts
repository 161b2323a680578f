// qmail-send log: "starting delivery N: msg M to remote a@b" names the recipient; a later
// "delivery N: failure|deferral|success: text_with_underscores/" gives the result.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import { clipped, detach } from '../detach';
import type { Outcome } from '../types';
import { ENTRY_CHARS, LineSource, LogRecognizer, ParserState, syslogDate } from './recognizer';

const STARTING = /starting delivery (\d+): msg (\d+) to (?:remote|local) (\S+)/;
// "." takes line separators too: a "(.*)$" that could fail at one was tried again from every earlier "delivery".
const RESULT = /delivery (\d+): (success|failure|deferral): (.*)$/s;
const OUTCOME: Readonly<Record<string, Outcome>> = { success: 'delivered', failure: 'failed', deferral: 'deferred' };

export const qmailRecognizer: LogRecognizer = {
  format: 'qmail',
  create(state: ParserState) {
    const deliveries = state.map<{ address: string; messageId: string }>();
    return (text: string, source: LineSource) => {
      if (!text.includes('delivery ')) return undefined;
      const starting = STARTING.exec(text);
      if (starting) {
        const address = normalizeAddress(starting[3]);
        if (address) {
          const pending = { address: detach(address), messageId: detach(clipped(starting[2])) };
          deliveries.set(starting[1], pending, ENTRY_CHARS + pending.address.length + pending.messageId.length);
        }
        return [];
      }
      const result = RESULT.exec(text);
      if (!result) return undefined;
      const pending = deliveries.get(result[1]);
      deliveries.delete(result[1]);
      if (!pending) return [];
      const diagnostic = clipped(result[3]).replace(/_/g, ' ').replace(/\/$/, '').replace(/\//g, ' ').trim();
      return [{
        address: pending.address, outcome: OUTCOME[result[2]], status: enhancedCodeIn(diagnostic), reply: replyCodeIn(diagnostic.replace(/^.*?said: /i, '')),
        diagnostic, date: syslogDate(text), messageId: pending.messageId, file: source.file, line: source.line, format: 'qmail',
      }];
    };
  },
};
