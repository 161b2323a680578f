// Postfix syslog: delivery agents' "to=<…>, relay=…, dsn=…, status=…" lines, qmgr's "status=expired" (which
// names the sender, so the deferred recipients of that queue ID are joined to it) and smtpd's rejects of incoming
// mail ("NOQUEUE: reject: RCPT from …", or after a queue ID, and the milter's and the proxy filter's rejects).
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import type { BounceEvent, Outcome } from '../types';
import { detach } from '../detach';
import { LineSource, LogRecognizer, NOTHING, relayHost, syslogDate } from './recognizer';

const DELIVERY = /postfix[\w/-]*\/[\w-]+\[\d+\]: ([0-9A-Za-z]+): to=(?:<([^>]*)>|([^>,\s]*)),(?: orig_to=(?:<[^>]*>|[^>,\s]*),)?(?: relay=([^,\s]+),)?.*? dsn=(\d\.\d{1,3}\.\d{1,3}), status=(bounced|deferred|sent|expired|undeliverable|deliverable|SOFTBOUNCE)(?: \((.*)\))?$/;
const EXPIRED = /postfix[\w/-]*\/[\w-]+\[\d+\]: ([0-9A-Za-z]+): from=<[^>]*>, status=expired/;
const REMOVED = /postfix[\w/-]*\/qmgr\[\d+\]: ([0-9A-Za-z]+): removed/;
// The client is "host[address]" (an IPv6 address holds colons) and the reply code may be missing (milters
// answer with the enhanced code alone).
const REJECT = /postfix[\w/-]*\/[\w-]+\[\d+\]: \w+: (?:milter-|proxy-)?reject: [\w-]+(?: from ([^\s[]*\[[^\]]*\](?::\d+)?|[^:]*))?: (?:(\d{3}) )?(\d\.\d{1,3}\.\d{1,3}) (.*?); from=<[^>]*> to=<([^>]*)>/;
const SAID = /host (\S+) said: /;
/** Deferred recipients waiting in the queue, bounded so a log of never-removed messages cannot grow memory. */
const MAX_PENDING = 50_000;
/** Normalized recipients remembered; a log names the same few recipients over and over. */
const MAX_ADDRESSES = 10_000;

const OUTCOME: Readonly<Record<string, Outcome>> = {
  // SOFTBOUNCE: a bounce that the soft_bounce setting turned into a deferral.
  bounced: 'failed', expired: 'failed', undeliverable: 'failed', deferred: 'deferred', SOFTBOUNCE: 'deferred', sent: 'delivered', deliverable: 'delivered',
};

export const postfixRecognizer: LogRecognizer = {
  format: 'postfix',
  create() {
    const deferred = new Map<string, BounceEvent[]>();
    /** Normalized recipients by their text in the log; '' for text that is no address. */
    const addresses = new Map<string, string>();
    // Normalizing costs several regular expressions; looking up a recipient seen before is a fraction of that.
    const normalized = (raw: string) => {
      const known = addresses.get(raw);
      if (known !== undefined) return known || undefined;
      if (addresses.size >= MAX_ADDRESSES) addresses.clear();
      const address = normalizeAddress(raw);
      addresses.set(detach(raw), address === undefined ? '' : detach(address));
      return address;
    };
    return (text: string, source: LineSource) => {
      // Dispatch on what follows "postfix/agent[pid]: QUEUEID: ", so most lines are only looked at up to there.
      const tag = text.indexOf('postfix');
      const body = tag < 0 ? -1 : text.indexOf(']: ', tag);
      if (body < 0) return undefined;
      const afterId = text.indexOf(': ', body + 3) + 2;
      let delivery = afterId > 1 && text.startsWith('to=', afterId) ? DELIVERY.exec(text) : null;
      if (delivery && OUTCOME[delivery[6]] === 'deferred') {
        // A deferred recipient is kept until its queue ID is settled, and must not keep the whole chunk its line
        // was cut from alive: parsing a copy of the line costs one copy, not one per field of the event.
        text = detach(text);
        delivery = DELIVERY.exec(text);
      }
      if (delivery) {
        const [, queueId, bracketed, bare, relay, dsn, status, said = ''] = delivery;
        const rawAddress = bracketed ?? bare;
        const address = normalized(rawAddress);
        if (!address) return NOTHING;
        // Deliveries are most of a log and only their address matters (a later success cancels a bounce).
        if (status === 'sent') return [{ address, outcome: 'delivered', diagnostic: '', messageId: queueId, file: source.file, line: source.line, format: 'postfix' }];
        const diagnostic = said.replace(/^host \S+ said: /, '');
        const event: BounceEvent = {
          address, outcome: OUTCOME[status], status: dsn, reply: replyCodeIn(diagnostic), diagnostic,
          remoteMta: SAID.exec(said)?.[1] ?? relayHost(relay), date: syslogDate(text), messageId: queueId,
          file: source.file, line: source.line, format: 'postfix',
        };
        if (event.outcome === 'deferred') {
          if (deferred.size >= MAX_PENDING) deferred.delete(deferred.keys().next().value as string);
          deferred.set(queueId, [...(deferred.get(queueId) ?? []).filter((old) => old.address !== address), event]);
        }
        return [event];
      }
      const expired = afterId > 1 && text.startsWith('from=<', afterId) && text.includes('status=expired', afterId) ? EXPIRED.exec(text) : null;
      if (expired) {
        const pending = deferred.get(expired[1]) ?? [];
        deferred.delete(expired[1]);
        return pending.map((event) => ({
          ...event, outcome: 'failed' as const, diagnostic: `expired in queue; last error: ${event.diagnostic}`,
          status: event.status?.replace(/^4/, '5'), date: syslogDate(text), file: source.file, line: source.line,
        }));
      }
      // With nothing deferred there is nothing to forget, so the removal need not be parsed.
      const removed = deferred.size > 0 && afterId > 1 && text.startsWith('removed', afterId) ? REMOVED.exec(text) : null;
      if (removed) {
        deferred.delete(removed[1]);
        return [];
      }
      const rejected = afterId > 1 && (text.startsWith('reject: ', afterId) || text.startsWith('milter-reject: ', afterId) || text.startsWith('proxy-reject: ', afterId));
      const reject = rejected ? REJECT.exec(text) : null;
      if (reject) {
        const [, client, reply, dsn, diagnostic, rawAddress] = reject;
        const address = normalized(rawAddress);
        if (!address) return [];
        return [{
          address, outcome: 'rejected-inbound', status: enhancedCodeIn(dsn) ?? dsn, reply, diagnostic, remoteMta: relayHost(client),
          date: syslogDate(text), file: source.file, line: source.line, format: 'postfix',
        }];
      }
      // Any other Postfix line (connect, cleanup, qmgr from=…) is this format's and reports nothing.
      return NOTHING;
    };
  },
};
