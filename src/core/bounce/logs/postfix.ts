// Postfix syslog: delivery agents' "to=<…>, relay=…, dsn=…, status=…" lines, qmgr's "status=expired" (which
// names the sender, so the deferred recipients of that queue ID are joined to it) and smtpd's rejects of incoming
// mail ("NOQUEUE: reject: RCPT from …", or after a queue ID, and the milter's and the proxy filter's rejects).
//
// Linear in the line's length: the program tag is found first, and every other pattern is tried once, right
// after it (sticky). Tried from each "postfix" of a line, they took time in the square of its length.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import { clipped, detachEvent } from '../detach';
import type { BounceEvent, Outcome } from '../types';
import { POSTFIX_PROGRAM } from './lineShapes';
import { ENTRY_CHARS, LineSource, LogRecognizer, NOTHING, PendingMap, ParserState, relayHost, syslogDate } from './recognizer';

/** "postfix/agent[pid]: ", group 1 the agent (lineShapes.ts). */
const PROGRAM = POSTFIX_PROGRAM;
/** After the program: a delivery agent's report of one recipient, up to its status; what follows the status is
 * nothing or " (reason)" (checked apart, so a run of unclosed " (" is not scanned to the end once per status). */
const DELIVERY = /([0-9A-Za-z]+): to=(?:<([^>]*)>|([^>,\s]*)),(?: orig_to=(?:<[^>]*>|[^>,\s]*),)?(?: relay=([^,\s]+),)?.*? dsn=(\d\.\d{1,3}\.\d{1,3}), status=(bounced|deferred|sent|expired|undeliverable|deliverable|SOFTBOUNCE)(?= \(|$)/sy;
const EXPIRED = /([0-9A-Za-z]+): from=<[^>]*>, status=expired/y;
const REMOVED = /([0-9A-Za-z]+): removed/y;
// The client is "host[address]" (an IPv6 address holds colons) and the reply code may be missing (milters
// answer with the enhanced code alone). An address in angle brackets holds no bracket, so each "from=<" is
// scanned only up to the next one.
const REJECT = /\w+: (?:milter-|proxy-)?reject: [\w-]+(?: from ([^\s[]*\[[^\]]*\](?::\d+)?|[^:]*))?: (?:(\d{3}) )?(\d\.\d{1,3}\.\d{1,3}) (.*?); from=<[^<>]*> to=<([^<>]*)>/y;
const SAID = /host (\S+) said: /;

const OUTCOME: Readonly<Record<string, Outcome>> = {
  // SOFTBOUNCE: a bounce that the soft_bounce setting turned into a deferral.
  bounced: 'failed', expired: 'failed', undeliverable: 'failed', deferred: 'deferred', SOFTBOUNCE: 'deferred', sent: 'delivered', deliverable: 'delivered',
};

/** The deferred recipients of one queue ID, by address, and the characters they hold. */
interface Deferred { events: Map<string, BounceEvent>; chars: number }
const charsOf = (event: BounceEvent) => ENTRY_CHARS + event.address.length + event.diagnostic.length + (event.remoteMta?.length ?? 0);

/** `pattern` (sticky) tried at `at`, or null. */
export function execAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/** The pattern for what follows the queue ID at `at`, or undefined; told apart by the first letter, since most
 * lines (connect, cleanup, qmgr's from=) are none of them. `removals`: whether a "removed" line can matter. */
function patternAt(text: string, at: number, removals: boolean): RegExp | undefined {
  switch (text.charCodeAt(at)) {
    case 0x74: // t
      return text.startsWith('to=', at) ? DELIVERY : undefined;
    case 0x66: // f
      return text.startsWith('from=<', at) && text.includes('status=expired', at) ? EXPIRED : undefined;
    case 0x72: // r
      // With nothing deferred there is nothing to forget, so the removal need not be parsed.
      if (text.startsWith('removed', at)) return removals ? REMOVED : undefined;
      return text.startsWith('reject: ', at) ? REJECT : undefined;
    case 0x6d: // m
      return text.startsWith('milter-reject: ', at) ? REJECT : undefined;
    case 0x70: // p
      return text.startsWith('proxy-reject: ', at) ? REJECT : undefined;
    default:
      return undefined;
  }
}

export const postfixRecognizer: LogRecognizer = {
  format: 'postfix',
  create(state: ParserState) {
    const deferred = state.map<Deferred>();
    return (text: string, source: LineSource) => {
      // Dispatch on what follows "postfix/agent[pid]: QUEUEID: ", so most lines are only looked at up to there.
      const tag = text.indexOf('postfix');
      const body = tag < 0 ? -1 : text.indexOf(']: ', tag);
      if (body < 0) return undefined;
      const afterId = text.indexOf(': ', body + 3) + 2;
      const pattern = afterId < 2 ? undefined : patternAt(text, afterId, deferred.mayHoldEntries);
      const program = pattern ? execAt(PROGRAM, text, tag) : null;
      const match = program ? execAt(pattern!, text, PROGRAM.lastIndex) : null;
      // Any other Postfix line (connect, cleanup, qmgr from=…) is this format's and reports nothing.
      if (!match) return NOTHING;
      if (pattern === DELIVERY) {
        // The reason, in parentheses, runs to the end of the line.
        const after = DELIVERY.lastIndex;
        if (after !== text.length && !text.endsWith(')')) return NOTHING;
        const [, queueId, bracketed, bare, relay, dsn, status] = match;
        const address = normalizeAddress(bracketed ?? bare);
        if (!address) return NOTHING;
        // Deliveries are most of a log and only their address matters (a later success cancels a bounce).
        if (status === 'sent') return [{ address, outcome: 'delivered', diagnostic: '', messageId: queueId, file: source.file, line: source.line, format: 'postfix' }];
        // Only the start of a long reason is read: it names the host, and only a bounded prefix is kept.
        const reason = after === text.length ? '' : clipped(text.slice(after + 2, -1));
        const diagnostic = reason.replace(/^host \S+ said: /, '');
        const event: BounceEvent = {
          address, outcome: OUTCOME[status], status: dsn, reply: replyCodeIn(diagnostic), diagnostic,
          remoteMta: SAID.exec(reason)?.[1] ?? relayHost(relay), date: syslogDate(text), messageId: queueId,
          file: source.file, line: source.line, format: 'postfix',
        };
        if (event.outcome === 'deferred') remember(deferred, queueId, detachEvent(event));
        return [event];
      }
      if (pattern === EXPIRED) {
        const pending = deferred.get(match[1])?.events.values() ?? [];
        deferred.delete(match[1]);
        // The status stays the last deferral's, as Postfix's own notice of the expiry gives it: the server called the
        // failure temporary, and the decision table keeps such a failure soft unless its words prove otherwise.
        return [...pending].map((event) => ({
          ...event, outcome: 'failed' as const, diagnostic: `expired in queue; last error: ${event.diagnostic}`,
          date: syslogDate(text), file: source.file, line: source.line,
        }));
      }
      if (pattern === REMOVED) {
        if (program![1] === 'qmgr') deferred.delete(match[1]);
        return [];
      }
      const [, client, reply, dsn, diagnostic, rawAddress] = match;
      const address = normalizeAddress(rawAddress);
      if (!address) return [];
      return [{
        address, outcome: 'rejected-inbound', status: enhancedCodeIn(dsn) ?? dsn, reply, diagnostic: clipped(diagnostic), remoteMta: relayHost(client),
        date: syslogDate(text), file: source.file, line: source.line, format: 'postfix',
      }];
    };
  },
};

/** Keeps a deferred recipient (a copy, its texts bounded) until its queue ID is settled; a later deferral of the
 * same address replaces it. */
function remember(deferred: PendingMap<Deferred>, queueId: string, event: BounceEvent): void {
  const entry = deferred.get(queueId) ?? { events: new Map<string, BounceEvent>(), chars: 0 };
  const earlier = entry.events.get(event.address);
  if (earlier) {
    entry.events.delete(event.address);
    entry.chars -= charsOf(earlier);
  }
  entry.events.set(event.address, event);
  entry.chars += charsOf(event);
  deferred.set(queueId, entry, entry.chars);
}
