// qmail-send log: "starting delivery N: msg M to remote a@b" names the recipient; a later
// "delivery N: failure|deferral|success: text_with_underscores/" gives the result.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import type { Outcome } from '../types';
import { detach } from '../detach';
import { LineSource, LogRecognizer, syslogDate } from './recognizer';

const STARTING = /starting delivery (\d+): msg (\d+) to (?:remote|local) (\S+)/;
const RESULT = /delivery (\d+): (success|failure|deferral): (.*)$/;
const OUTCOME: Readonly<Record<string, Outcome>> = { success: 'delivered', failure: 'failed', deferral: 'deferred' };
const MAX_PENDING = 50_000;

export const qmailRecognizer: LogRecognizer = {
  format: 'qmail',
  create() {
    const deliveries = new Map<string, { address: string; messageId: string }>();
    return (text: string, source: LineSource) => {
      if (!text.includes('delivery ')) return undefined;
      const starting = STARTING.exec(text);
      if (starting) {
        const address = normalizeAddress(starting[3]);
        if (deliveries.size >= MAX_PENDING) deliveries.delete(deliveries.keys().next().value as string);
        if (address) deliveries.set(detach(starting[1]), { address: detach(address), messageId: detach(starting[2]) });
        return [];
      }
      const result = RESULT.exec(text);
      if (!result) return undefined;
      const pending = deliveries.get(result[1]);
      deliveries.delete(result[1]);
      if (!pending) return [];
      const diagnostic = result[3].replace(/_/g, ' ').replace(/\/$/, '').replace(/\//g, ' ').trim();
      return [{
        address: pending.address, outcome: OUTCOME[result[2]], status: enhancedCodeIn(diagnostic), reply: replyCodeIn(diagnostic.replace(/^.*?said: /i, '')),
        diagnostic, date: syslogDate(text), messageId: pending.messageId, file: source.file, line: source.line, format: 'qmail',
      }];
    };
  },
};
