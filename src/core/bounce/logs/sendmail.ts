// Sendmail syslog: "QID: to=<a>,<b>, …, relay=…, dsn=5.1.1, stat=User unknown" (one line may list several).
import { normalizeAddress } from '../address';
import { replyCodeIn } from '../classify';
import type { BounceEvent } from '../types';
import { LineSource, LogRecognizer, relayHost, syslogDate } from './recognizer';

const LINE = /(?:sendmail|sm-mta)\[\d+\]: ([0-9A-Za-z]+): to=(.*?), (?:.*?, )?dsn=(\d\.\d{1,3}\.\d{1,3}), stat=(.*)$/;
const RELAY = /, relay=([^,\s]+)/;

export const sendmailRecognizer: LogRecognizer = {
  format: 'sendmail',
  create() {
    return (text: string, source: LineSource) => {
      if (!text.includes('sendmail[') && !text.includes('sm-mta[')) return undefined;
      const match = LINE.exec(text);
      if (!match) return undefined;
      const [, queueId, recipients, dsn, stat] = match;
      const outcome = dsn.startsWith('2') ? 'delivered' : dsn.startsWith('4') ? 'deferred' : 'failed';
      const events: BounceEvent[] = [];
      for (const part of recipients.split(/,(?=\s*<?[^\s,]+@)/)) {
        const address = normalizeAddress(part);
        if (!address) continue;
        events.push({
          address, outcome, status: dsn, reply: replyCodeIn(stat), diagnostic: stat, remoteMta: relayHost(RELAY.exec(text)?.[1]),
          date: syslogDate(text), messageId: queueId, file: source.file, line: source.line, format: 'sendmail',
        });
      }
      return events;
    };
  },
};
