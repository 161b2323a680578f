// Sendmail syslog: "QID: to=<a>,<b>, …, relay=…, dsn=5.1.1, stat=User unknown" (one line may list several;
// Sendmail before 8.10 wrote no dsn=, so the stat text decides), and the RCPT TO commands it refused from other
// servers: "ruleset=check_rcpt, arg1=<a>, relay=…, reject=550 5.7.1 …" and "<a>... User unknown".
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import { clipped } from '../detach';
import type { BounceEvent, Outcome } from '../types';
import { RELAY_FIELD, SENDMAIL_PROGRAM } from './lineShapes';
import { LineSource, LogRecognizer, NOTHING, relayHost, syslogDate } from './recognizer';

const PROGRAM = SENDMAIL_PROGRAM;
// A delivery line is "to=RECIPIENTS, FIELD, …, [dsn=X.Y.Z, ]stat=TEXT": the recipients end at the first ", ", and the
// status is the first "stat=" that opens the rest or follows a ", ". In one pattern, two lazy runs side by side took
// time in the cube of the line's length.
const RECIPIENTS = /^to=(.*?), /s;
const STAT = /(?:^|, )(?:dsn=(\d\.\d{1,3}\.\d{1,3}), )?stat=(.*)$/s;
const RELAY = RELAY_FIELD;
const CHECK_RCPT = /^ruleset=check_rcpt, arg1=<?([^\s<>,]*)>?, relay=([^,]*), reject=(?:(\d{3})[ -])?(.*)$/;
const UNKNOWN_USER = /^<([^\s<>]+)>\.\.\. (User unknown|No such user(?: here)?|Mailbox unavailable|Unknown user)$/i;

/** Outcome of a delivery line without a dsn= field, from the stat text Sendmail wrote. */
function outcomeOfStat(stat: string): Outcome {
  if (/^Sent\b/.test(stat)) return 'delivered';
  return /^Deferred\b/.test(stat) ? 'deferred' : 'failed';
}

export const sendmailRecognizer: LogRecognizer = {
  format: 'sendmail',
  create() {
    return (text: string, source: LineSource) => {
      if (!text.includes('sendmail[') && !text.includes('sm-mta[') && !text.includes('sm-msp-queue[')) return undefined;
      const program = PROGRAM.exec(text);
      if (!program) return undefined;
      const queueId = program[1];
      const rest = text.slice(program.index + program[0].length);
      // Fields spelled out in each event: an object spread followed by more fields took tens of microseconds an event.
      const date = syslogDate(text);
      const { file, line } = source;
      const recipients = rest.startsWith('to=') ? RECIPIENTS.exec(rest) : null;
      const delivery = recipients ? STAT.exec(rest.slice(recipients[0].length)) : null;
      if (recipients && delivery) {
        const [, dsn, fullStat] = delivery;
        const stat = clipped(fullStat);
        const outcome = dsn ? (dsn.startsWith('2') ? 'delivered' : dsn.startsWith('4') ? 'deferred' : 'failed') : outcomeOfStat(stat);
        const events: BounceEvent[] = [];
        // Read once for the line: per recipient, the search for the relay went through the whole list again.
        const status = dsn ?? enhancedCodeIn(stat);
        const reply = replyCodeIn(stat);
        const remoteMta = relayHost(RELAY.exec(rest)?.[1]);
        for (const part of recipients[1].split(/,(?=\s*<?[^\s,]+@)/)) {
          const address = normalizeAddress(part);
          if (!address) continue;
          events.push({ address, outcome, status, reply, diagnostic: stat, remoteMta, date, messageId: queueId, file, line, format: 'sendmail' });
        }
        return events;
      }
      const refused = rest.startsWith('ruleset=check_rcpt') ? CHECK_RCPT.exec(rest) : null;
      if (refused) {
        const [, rawAddress, relay, reply, diagnostic] = refused;
        const address = normalizeAddress(rawAddress);
        if (!address) return NOTHING;
        return [{
          address, outcome: 'rejected-inbound', status: enhancedCodeIn(diagnostic), reply, diagnostic: reply ? `${reply} ${diagnostic}` : diagnostic,
          remoteMta: relay.trim() || undefined, date, messageId: queueId, file, line, format: 'sendmail',
        }];
      }
      const unknown = rest.startsWith('<') ? UNKNOWN_USER.exec(rest) : null;
      const address = unknown ? normalizeAddress(unknown[1]) : undefined;
      if (unknown && address) return [{ address, outcome: 'rejected-inbound', diagnostic: unknown[2], date, messageId: queueId, file, line, format: 'sendmail' }];
      // Any other line of Sendmail's (from=, DSN notices, rejected senders) reports nothing.
      return NOTHING;
    };
  },
};
