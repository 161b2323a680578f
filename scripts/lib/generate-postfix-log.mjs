// Seeded generator of a realistic Postfix syslog: message flows (smtpd connect, cleanup, qmgr, smtp deliveries
// that are sent, deferred or bounced with the remote server's "said:" text, bounce notifications, removal) mixed
// with NOQUEUE rejects. The same seed always gives the same log, so benchmarks and accuracy figures repeat.
//
// Besides one-shot deliveries it writes what a sending server's log really holds around hard bounces:
//   - greylisting: `dsn=4.7.1, status=deferred (host … said: 450 4.7.1 <a@d>: Recipient address rejected:
//     Greylisted, see http://postgrey.schweikert.ch/help/d.html …)`, retried later (qmgr "(queue active)" again,
//     growing delay=) until it is sent, rejected as unknown, or expires: qmgr's `from=<s>, status=expired, returned
//     to sender`, then the bounce daemon's notification and "removed" (Postfix writes no per-recipient line then);
//     unreachable hosts (`connect to …: Connection timed out`) expire the same way. Queue lifetime 1 day
//     (maximal_queue_lifetime = 1d, as bulk senders often set), retries backing off 300 s → 4000 s as Postfix does;
//   - mail loops: `relay=none, …, dsn=5.4.6, status=bounced (mail for d loops back to myself)`;
//   - policy blocks: `554 5.7.1 Service unavailable; Client host [ip] blocked using zen.spamhaus.org`,
//     `550 5.7.1 Message rejected as spam`;
//   - mailbox full: `552 5.2.2 Mailbox full`, and Gmail's `552-5.2.2 … over quota` multi-line reply;
//   - unknown users: `550 5.1.1 <a@d>: Recipient address rejected: User unknown in virtual mailbox table`,
//     Gmail's multi-line `550-5.1.1 The email account that you tried to reach does not exist. …` (as Postfix joins
//     the reply lines), a relay's `550 5.1.2 … Domain not found` / sendmail's `550 5.1.2 <a@d>... Host unknown`;
//   - domains that do not exist: `relay=none, …, dsn=5.4.4, status=bounced (Host or domain name not found. Name
//     service error for name=d type=A: Host not found)`. Postfix's SMTP client gives this failure 5.4.4, never
//     5.1.2 (smtp_addr.c): the domain does not exist, which is a hard bounce whatever the code;
//   - addresses that bounce with 5.1.x and are delivered later (a new mailbox, a fixed server), some of which
//     bounce again after that, as unknown (hard again) or softly (full, blocked: still delivered, not hard).
// Timestamps follow the calendar (a common year's month lengths); flows are written whole, in time order.
// Recipients come from a small set of 160 addresses that recur all through the log and a subscriber list of
// 1.6 M addresses, so most bounced list addresses appear once or a few times.
//
//   generatePostfixLog({ lines, seed })          → the log as one string (LF newlines, final newline)
//   postfixLogEvents({ lines, seed, reference }) → iterator of { text, delivery } per line; `delivery` is set on
//                                                  smtp delivery and NOQUEUE lines: { recipient, dsn, status,
//                                                  replyCode } with status sent | deferred | bounced | expired |
//                                                  reject, and on qmgr's "status=expired" line (status expired,
//                                                  dsn of the last deferral) — the answer key for extraction tests.
//                                                  `reference`, a Map, is filled as lines are emitted with the
//                                                  hard-bounce reference set (below).
//   hardBounceReference({ lines, seed })         → that Map for a log, without keeping the log.
//
// Reference set: an address is hard when a `status=bounced` line with `dsn=5.1.x` (an unknown mailbox or domain),
// `dsn=5.4.4` (Postfix's code for a domain that does not exist) or `dsn=5.3.2` (a system that takes no mail, hard by
// this project's seed document) was written for it and no `status=sent` line for it follows. Greylisting, loops,
// policy blocks, mailbox full, expiries and every other status are not hard. It is computed from the generator's own record of each delivery as the line is emitted
// (never by parsing the log text), map entry address → { line, text, dsn } of the latest such bounce line.

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A binary min-heap on `due`, then `seq` (insertion order), for messages waiting in the deferred queue. */
class Schedule {
  constructor() { this.items = []; this.seq = 0; }
  get size() { return this.items.length; }
  peek() { return this.items[0]; }
  less(a, b) { return a.due < b.due || (a.due === b.due && a.seq < b.seq); }
  push(item) {
    item.seq = this.seq++;
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop() {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.less(items[left], items[smallest])) smallest = left;
        if (right < items.length && this.less(items[right], items[smallest])) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const USERS = ['ana', 'bruno', 'chen.li', 'dmitri', 'eva_k', 'farah', 'g.rossi', 'hiro', 'ines+news', 'jo', 'karl.m', 'lena', 'm.ortiz', 'noor', 'olu', 'priya.s', 'quinn', 'r.dubois', 'sven', 'tala'];
const DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.info', 'corp.example', 'shop.example.co.uk', 'uni.example.edu', 'legacy-corp.example'];
/** Recipient domains whose MX is Google's (Workspace): their deliveries go to aspmx.l.google.com and get Gmail's replies. */
const GOOGLE_HOSTED = new Set(['uni.example.edu', 'shop.example.co.uk']);
const GOOGLE_MX = ['aspmx.l.google.com', 'alt1.aspmx.l.google.com', 'alt2.aspmx.l.google.com'];
/** Domains with their own mail servers (Postfix, sendmail): greylisting and relays' own replies come from these. */
const SELF_HOSTED_DOMAINS = DOMAINS.filter((domain) => !GOOGLE_HOSTED.has(domain));
/** Mistyped domains that do not exist (NXDOMAIN). */
const TYPO_DOMAINS = ['exmaple.com', 'example.con', 'exampel.net', 'example.ogr', 'mail.exmaple.info'];
/** Domains whose MX points back at this server (a moved domain still in mydestination elsewhere, a stale MX). */
const LOOP_DOMAINS = ['old.example.org', 'lists.example.org'];
/** Domains whose mail servers no longer answer: their mail is deferred until it expires. */
const DEAD_DOMAINS = ['defunct.example', 'closed-shop.example'];
/** This server's outbound addresses, as remote blocklist checks see them. */
const OUR_IPS = ['198.51.100.25', '198.51.100.26'];
const SENDERS = ['newsletter@example.org', 'billing@example.org', 'noreply@send.example.org', 'alerts@ops.example.org', '<>'];
const CLIENTS = ['client.example.net', 'unknown', 'mta-out.example.com', 'smtp.partner.example', 'dsl-77.isp.example'];

/**
 * Remote answers per outcome: [reply code, enhanced code, text, the SMTP commands it can answer]. A recipient's
 * rejection answers RCPT TO (or end of DATA, for servers that check after the data), never MAIL FROM.
 */
const BOUNCES = [
  ['550', '5.1.1', '<{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table', ['RCPT TO']],
  ['550', '5.1.1', 'The email account that you tried to reach does not exist. Please try double-checking the recipient\'s email address for typos or unnecessary spaces.', ['RCPT TO']],
  ['554', '5.7.1', '<{rcpt}>: Relay access denied', ['RCPT TO']],
  ['550', '5.7.1', 'Service unavailable; Client host [{ip}] blocked using zen.spamhaus.example', ['RCPT TO', 'MAIL FROM']],
  ['552', '5.2.2', '<{rcpt}>: Mailbox full, quota exceeded', ['RCPT TO', 'end of DATA']],
  ['550', '5.3.2', 'System not accepting network messages', ['RCPT TO']],
  ['553', '5.1.3', '<{rcpt}>: Recipient address rejected: invalid address syntax', ['RCPT TO']],
  ['550', '5.2.1', 'The email account that you tried to reach is disabled.', ['RCPT TO']],
  ['554', '5.6.0', 'Message rejected: content policy violation', ['end of DATA']],
];
const DEFERRALS = [
  ['452', '4.2.2', 'Mailbox full (in reply to RCPT TO command)'],
  ['421', '4.7.0', 'Try again later, closing connection. (EHLO)'],
  ['450', '4.7.1', '<{rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.example/'],
  ['451', '4.3.0', 'Temporary lookup failure'],
  ['421', '4.4.2', 'Connection timed out'],
];
const NOQUEUE = [
  ['554', '5.7.1', '<{rcpt}>: Relay access denied'],
  ['450', '4.7.1', 'Client host rejected: cannot find your hostname, [{ip}]'],
  ['550', '5.1.1', '<{rcpt}>: Recipient address rejected: User unknown in local recipient table'],
  ['504', '5.5.2', '<{helo}>: Helo command rejected: need fully-qualified hostname'],
];

const QUEUE_LIFETIME = 86_400;
const MIN_BACKOFF = 300;
const MAX_BACKOFF = 4000;
const HEX = '0123456789ABCDEF';

/** The codes of the reference set (see the header). */
const HARD_DSN = /^5\.1\.|^5\.3\.2$|^5\.4\.4$/;

/** Records a just-emitted event in the hard-bounce reference map (see the header). */
function track(reference, event, line) {
  const delivery = event.delivery;
  if (!delivery) return;
  if (delivery.status === 'sent') reference.delete(delivery.recipient);
  else if (delivery.status === 'bounced' && HARD_DSN.test(delivery.dsn)) reference.set(delivery.recipient, { line, text: event.text, dsn: delivery.dsn });
}

/** Yields one `{ text, delivery }` per log line. */
export function* postfixLogEvents({ lines, seed = 1, reference } = {}) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const int = (low, high) => low + Math.floor(next() * (high - low + 1));
  const hex = (length) => { let s = ''; for (let i = 0; i < length; i++) s += HEX[int(0, 15)]; return s; };
  const ip = () => `${pick(['192.0.2', '198.51.100', '203.0.113'])}.${int(1, 254)}`; // documentation ranges
  let month = int(0, 11);
  let day = int(1, 28);
  let seconds = int(0, 3600);
  let clock = 0; // seconds since the first line, for delay= and the deferred queue
  let emitted = 0;
  const schedule = new Schedule();

  const stamp = () => {
    const step = int(0, 3);
    seconds += step;
    clock += step;
    if (seconds >= 86_400) {
      seconds -= 86_400;
      day += 1;
      if (day > MONTH_DAYS[month]) { day = 1; month = (month + 1) % 12; }
    }
    const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
    const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
    const ss = String(seconds % 60).padStart(2, '0');
    return `${MONTHS[month]} ${String(day).padStart(2, ' ')} ${hh}:${mm}:${ss} mail`;
  };
  const line = (program, message) => `${stamp()} postfix/${program}[${int(1000, 65000)}]: ${message}`;
  const fill = (text, rcpt, clientIp, helo) => text.replace('{rcpt}', rcpt).replace('{ip}', clientIp).replace('{helo}', helo);
  const delays = () => {
    const parts = [next() * 2, next() * 0.1, next() * 3, next() * 5].map((n) => Number(n.toFixed(n < 0.1 ? 2 : 1)));
    return { total: parts.reduce((a, b) => a + b, 0).toFixed(1), parts: parts.join('/') };
  };
  /** delay=/delays= of a retry: the time since arrival is almost all queue wait. */
  const retryDelays = (arrival) => {
    const wait = Math.max(1, clock - arrival);
    const tail = [next() * 0.1, next() * 0.5, next() * 2].map((n) => Number(n.toFixed(2)));
    return { total: Math.round(wait + tail[0] + tail[1] + tail[2]), parts: `${wait}/${tail.join('/')}` };
  };
  const sender = () => pick(SENDERS).replace(/[<>]/g, '');
  const smallPoolAddress = () => `${pick(USERS)}@${pick(DOMAINS)}`;
  const listAddress = (domain = pick(DOMAINS)) => `${pick(USERS)}${int(1, 9999)}@${domain}`;
  const relayHostFor = (domain) => (GOOGLE_HOSTED.has(domain) ? pick(GOOGLE_MX) : `mx${int(1, 3)}.${domain}`);
  const gsmtpId = () => `${hex(4).toLowerCase()}si${int(1_000_000, 9_999_999)}${pick(['wrb', 'qkb', 'ejc', 'lfb'])}.${int(1, 999)}`;
  const sentReply = (domain) => (GOOGLE_HOSTED.has(domain)
    ? `250 2.0.0 OK  ${1_700_000_000 + clock} ${gsmtpId()} - gsmtp`
    : `250 2.0.0 Ok: queued as ${hex(10)}`);
  const domainOf = (rcpt) => rcpt.slice(rcpt.lastIndexOf('@') + 1);

  /**
   * One recipient's delivery line (without "QID: ") for an outcome kind; returns { message, delivery, bounced }.
   * `arrival` (the clock when the message arrived) is given for retries, whose delay= is mostly queue wait.
   */
  const deliver = (rcpt, kind, arrival) => {
    const domain = domainOf(rcpt);
    const { total, parts } = arrival === undefined ? delays() : retryDelays(arrival);
    const head = (relay) => `to=<${rcpt}>, ${relay}, delay=${total}, delays=${parts}`;
    const remote = () => { const host = relayHostFor(domain); const addr = ip(); return { host, addr, relay: `relay=${host}[${addr}]:25` }; };
    const said = (dsn, status, replyText, command = 'RCPT TO') => {
      const { host, addr, relay } = remote();
      return `${head(relay)}, dsn=${dsn}, status=${status} (host ${host}[${addr}] said: ${replyText} (in reply to ${command} command))`;
    };
    const out = (message, dsn, status, replyCode) => ({ message, delivery: { recipient: rcpt, dsn, status, replyCode }, bounced: status === 'bounced' });
    switch (kind) {
      case 'sent': {
        const { relay } = remote();
        return out(`${head(relay)}, dsn=2.0.0, status=sent (${sentReply(domain)})`, '2.0.0', 'sent', '250');
      }
      case 'greylisted': {
        const text = next() < 0.8
          ? `450 4.7.1 <${rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${domain}.html`
          : '451 4.7.1 Greylisting in action, please come back later';
        return out(said('4.7.1', 'deferred', text), '4.7.1', 'deferred', text.slice(0, 3));
      }
      case 'timeout': {
        const host = `mx${int(1, 2)}.${domain}`;
        return out(`${head('relay=none')}, dsn=4.4.1, status=deferred (connect to ${host}[${ip()}]:25: Connection timed out)`, '4.4.1', 'deferred', undefined);
      }
      case 'user-unknown':
        if (GOOGLE_HOSTED.has(domain)) {
          return out(said('5.1.1', 'bounced', `550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser ${gsmtpId()} - gsmtp`), '5.1.1', 'bounced', '550');
        }
        return out(said('5.1.1', 'bounced', pick([
          `550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`,
          `550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`,
          `550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown in local recipient table`,
          `550 5.1.1 <${rcpt}>... User unknown`,
        ])), '5.1.1', 'bounced', '550');
      case 'bad-destination':
        return out(said('5.1.2', 'bounced', next() < 0.5
          ? `550 5.1.2 <${rcpt}>: Recipient address rejected: Domain not found`
          : `550 5.1.2 <${rcpt}>... Host unknown (Name server: mail.internal.${domain}: host not found)`), '5.1.2', 'bounced', '550');
      case 'nxdomain':
        return out(`${head('relay=none')}, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=${domain} type=${pick(['A', 'A', 'AAAA'])}: Host not found)`, '5.4.4', 'bounced', undefined);
      case 'loop':
        return out(`${head('relay=none')}, dsn=5.4.6, status=bounced (mail for ${domain} loops back to myself)`, '5.4.6', 'bounced', undefined);
      case 'blocked': {
        const ours = pick(OUR_IPS);
        const text = next() < 0.6
          ? `554 5.7.1 Service unavailable; Client host [${ours}] blocked using zen.spamhaus.org`
          : `554 5.7.1 Service unavailable; Client host [${ours}] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/${ours}`;
        return out(said('5.7.1', 'bounced', text), '5.7.1', 'bounced', '554');
      }
      case 'spam':
        return out(said('5.7.1', 'bounced', '550 5.7.1 Message rejected as spam', 'end of DATA'), '5.7.1', 'bounced', '550');
      case 'mailbox-full':
        if (GOOGLE_HOSTED.has(domain)) {
          return out(said('5.2.2', 'bounced', `552-5.2.2 The email account that you tried to reach is over quota and inactive. Please direct the recipient to 552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm ${gsmtpId()} - gsmtp`), '5.2.2', 'bounced', '552');
        }
        return out(next() < 0.5
          ? said('5.2.2', 'bounced', '552 5.2.2 Mailbox full', 'end of DATA')
          : said('5.2.2', 'bounced', `552 5.2.2 <${rcpt}>: Recipient address rejected: Mailbox full`), '5.2.2', 'bounced', '552');
      default:
        throw new Error(`unknown outcome ${kind}`);
    }
  };

  /** Inbound part of a message: connect, client, cleanup, qmgr; returns the queue id and the client. */
  const arrive = (flow, from, recipients) => {
    const queueId = hex(10);
    const clientIp = ip();
    const client = pick(CLIENTS);
    flow.push({ text: line('smtpd', `connect from ${client}[${clientIp}]`) });
    flow.push({ text: line('smtpd', `${queueId}: client=${client}[${clientIp}]`) });
    flow.push({ text: line('cleanup', `${queueId}: message-id=<${int(2020, 2026)}${hex(8)}.${queueId}@mail.example.org>`) });
    const size = int(600, 90_000);
    flow.push({ text: line('qmgr', `${queueId}: from=<${from}>, size=${size}, nrcpt=${recipients} (queue active)`) });
    return { queueId, client, clientIp, size };
  };
  const leave = (flow, { client, clientIp }, recipients) => {
    flow.push({ text: line('smtpd', `disconnect from ${client}[${clientIp}] ehlo=1 mail=1 rcpt=${recipients} data=1 quit=1 commands=${recipients + 4}`) });
  };
  const notify = (flow, queueId) => flow.push({ text: line('bounce', `${queueId}: sender non-delivery notification: ${hex(10)}`) });

  /** After a 5.1.x bounce: sometimes the address gets a mailbox (or its server is fixed) and a later message is delivered. */
  const maybeRevisit = (rcpt, dsn) => {
    if (!dsn.startsWith('5.1.')) return;
    const roll = next();
    if (roll < 0.15) schedule.push({ due: clock + int(3600, 4 * 86_400), type: 'single', rcpt, kind: 'sent', then: 0.25 });
    else if (roll < 0.25) schedule.push({ due: clock + int(3600, 4 * 86_400), type: 'single', rcpt, kind: 'user-unknown' });
  };

  /**
   * A later message to one recipient (`task.kind`). After a delivery, `task.then` is the chance the address bounces
   * as unknown again later; some others later bounce softly (full, blocked, spam), which leaves them delivered.
   */
  const singleMessage = (flow, task) => {
    const from = sender();
    const message = arrive(flow, from, 1);
    const { message: text, delivery, bounced } = deliver(task.rcpt, task.kind);
    flow.push({ text: line('smtp', `${message.queueId}: ${text}`), delivery });
    if (bounced) notify(flow, message.queueId);
    flow.push({ text: line('qmgr', `${message.queueId}: removed`) });
    leave(flow, message, 1);
    if (task.then) {
      const roll = next();
      if (roll < task.then) schedule.push({ due: clock + int(3600, 3 * 86_400), type: 'single', rcpt: task.rcpt, kind: 'user-unknown' });
      else if (roll < task.then + 0.2) schedule.push({ due: clock + int(3600, 3 * 86_400), type: 'single', rcpt: task.rcpt, kind: pick(['mailbox-full', 'blocked', 'spam']) });
    } else if (bounced) maybeRevisit(task.rcpt, delivery.dsn);
  };

  /** First attempt of a message that is deferred (greylisting or a dead host); its retries are scheduled. */
  const deferredMessage = (flow, cause) => {
    // Greylisting is a small site's defence (postgrey); Google-hosted domains do not greylist.
    const rcpt = listAddress(cause === 'timeout' ? pick(DEAD_DOMAINS) : pick(SELF_HOSTED_DOMAINS));
    const from = sender();
    const message = arrive(flow, from, 1);
    const { message: text, delivery } = deliver(rcpt, cause);
    flow.push({ text: line('smtp', `${message.queueId}: ${text}`), delivery });
    leave(flow, message, 1);
    // Greylisting: most pass on a retry, a few turn out to be unknown users, some never pass (the greylist sees a
    // different sending address each time) and expire. Dead hosts always expire.
    const roll = next();
    const end = cause === 'timeout' || roll < 0.12 ? 'expire' : roll < 0.2 ? 'user-unknown' : 'sent';
    const passAfter = end === 'expire' ? Infinity : int(1, 3);
    schedule.push({ due: clock + MIN_BACKOFF + int(0, 300), type: 'retry', rcpt, from, cause, end, passAfter, attempt: 1, backoff: MIN_BACKOFF, arrival: clock, size: message.size, queueId: message.queueId });
  };

  /** One retry of a deferred message: deferred again, delivered, bounced, or expired. */
  const retry = (flow, task) => {
    const { queueId } = task;
    flow.push({ text: line('qmgr', `${queueId}: from=<${task.from}>, size=${task.size}, nrcpt=1 (queue active)`) });
    if (task.end === 'expire' && clock - task.arrival >= QUEUE_LIFETIME) {
      flow.push({ text: line('qmgr', `${queueId}: from=<${task.from}>, status=expired, returned to sender`), delivery: { recipient: task.rcpt, dsn: task.cause === 'timeout' ? '4.4.1' : '4.7.1', status: 'expired', replyCode: undefined } });
      notify(flow, queueId);
      flow.push({ text: line('qmgr', `${queueId}: removed`) });
      return;
    }
    if (task.attempt >= task.passAfter) {
      const { message: text, delivery, bounced } = deliver(task.rcpt, task.end, task.arrival);
      flow.push({ text: line('smtp', `${queueId}: ${text}`), delivery });
      if (bounced) notify(flow, queueId);
      flow.push({ text: line('qmgr', `${queueId}: removed`) });
      if (bounced) maybeRevisit(task.rcpt, delivery.dsn);
      return;
    }
    const { message: text, delivery } = deliver(task.rcpt, task.cause, task.arrival);
    flow.push({ text: line('smtp', `${queueId}: ${text}`), delivery });
    task.attempt += 1;
    task.backoff = Math.min(MAX_BACKOFF, task.backoff * 2);
    task.due = clock + task.backoff + int(0, 300);
    schedule.push(task);
  };

  /** A new outbound message to 1–3 recipients with mixed outcomes, as the generator has always written. */
  const newMessage = (flow) => {
    const recipients = int(1, 3);
    const from = sender();
    const message = arrive(flow, from, recipients);
    const { queueId, client, clientIp } = message;
    let bounced = false;
    const revisits = [];
    for (let r = 0; r < recipients; r++) {
      let rcpt = next() < 0.4 ? smallPoolAddress() : listAddress();
      const roll = next();
      let text;
      let delivery;
      if (roll < 0.7) {
        ({ message: text, delivery } = deliver(rcpt, 'sent'));
      } else if (roll < 0.78) {
        const [reply, enhanced, body] = pick(DEFERRALS);
        const relayHost = `mx${int(1, 3)}.${domainOf(rcpt)}`;
        const relayIp = ip();
        const { total, parts } = delays();
        text = `to=<${rcpt}>, relay=${relayHost}[${relayIp}]:25, delay=${total}, delays=${parts}, dsn=${enhanced}, status=deferred (host ${relayHost}[${relayIp}] said: ${reply} ${enhanced} ${fill(body, rcpt, relayIp, client)})`;
        delivery = { recipient: rcpt, dsn: enhanced, status: 'deferred', replyCode: reply };
      } else if (roll < 0.84) {
        const [reply, enhanced, body, commands] = pick(BOUNCES);
        const relayHost = `mx${int(1, 3)}.${domainOf(rcpt)}`;
        const relayIp = ip();
        const { total, parts } = delays();
        text = `to=<${rcpt}>, relay=${relayHost}[${relayIp}]:25, delay=${total}, delays=${parts}, dsn=${enhanced}, status=bounced (host ${relayHost}[${relayIp}] said: ${reply} ${enhanced} ${fill(body, rcpt, relayIp, client)} (in reply to ${pick(commands)} command))`;
        delivery = { recipient: rcpt, dsn: enhanced, status: 'bounced', replyCode: reply };
      } else if (roll < 0.99) {
        const kindRoll = next();
        let kind;
        if (kindRoll < 0.4) kind = 'user-unknown';
        else if (kindRoll < 0.46) { kind = 'bad-destination'; rcpt = listAddress(pick(SELF_HOSTED_DOMAINS)); }
        else if (kindRoll < 0.54) { kind = 'nxdomain'; rcpt = listAddress(pick(TYPO_DOMAINS)); }
        else if (kindRoll < 0.58) { kind = 'loop'; rcpt = listAddress(pick(LOOP_DOMAINS)); }
        else if (kindRoll < 0.72) kind = 'blocked';
        else if (kindRoll < 0.84) kind = 'spam';
        else kind = 'mailbox-full';
        ({ message: text, delivery } = deliver(rcpt, kind));
      } else {
        text = `to=<${rcpt}>, relay=none, delay=${int(432_000, 433_000)}, delays=${delays().parts}, dsn=4.4.1, status=expired, returned to sender`;
        delivery = { recipient: rcpt, dsn: '4.4.1', status: 'expired', replyCode: undefined };
      }
      if (delivery.status === 'bounced' || delivery.status === 'expired') bounced = true;
      if (delivery.status === 'bounced') revisits.push(delivery);
      flow.push({ text: line('smtp', `${queueId}: ${text}`), delivery });
    }
    if (bounced) notify(flow, queueId);
    flow.push({ text: line('qmgr', `${queueId}: removed`) });
    leave(flow, { client, clientIp }, recipients);
    for (const delivery of revisits) maybeRevisit(delivery.recipient, delivery.dsn);
  };

  while (emitted < lines) {
    const flow = [];
    if (schedule.size > 0 && schedule.peek().due <= clock) {
      const task = schedule.pop();
      if (task.type === 'retry') retry(flow, task);
      else singleMessage(flow, task);
    } else if (next() < 0.12) {
      const [reply, enhanced, text] = pick(NOQUEUE);
      const rcpt = smallPoolAddress();
      const clientIp = ip();
      const helo = pick(CLIENTS);
      flow.push({
        text: line('smtpd', `NOQUEUE: reject: RCPT from ${pick(CLIENTS)}[${clientIp}]: ${reply} ${enhanced} ${fill(text, rcpt, clientIp, helo)}; from=<${sender()}> to=<${rcpt}> proto=ESMTP helo=<${helo}>`),
        delivery: { recipient: rcpt, dsn: enhanced, status: 'reject', replyCode: reply },
      });
    } else {
      const roll = next();
      if (roll < 0.02) deferredMessage(flow, 'greylisted');
      else if (roll < 0.022) deferredMessage(flow, 'timeout');
      else newMessage(flow);
    }
    for (const event of flow) {
      if (emitted >= lines) return;
      emitted += 1;
      if (reference) track(reference, event, emitted);
      yield event;
    }
  }
}

/** The hard-bounce reference set of a generated log (see the header): Map address → { line, text, dsn }. */
export function hardBounceReference({ lines, seed = 1 }) {
  const reference = new Map();
  for (const event of postfixLogEvents({ lines, seed, reference })) void event;
  return reference;
}

/** The generated log as one string, `lines` lines long. */
export function generatePostfixLog({ lines, seed = 1 }) {
  const out = [];
  for (const { text } of postfixLogEvents({ lines, seed })) out.push(text);
  return `${out.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  // `node scripts/lib/generate-postfix-log.mjs [lines] [seed] [--reference FILE]` prints a log, e.g. to make a
  // demo file; with --reference, FILE gets the hard-bounce reference set, one address a line, sorted.
  const args = process.argv.slice(2);
  const at = args.indexOf('--reference');
  const referenceFile = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const reference = referenceFile ? new Map() : undefined;
  const lines = Number(args[0] ?? 20);
  const seed = Number(args[1] ?? 1);
  let buffer = '';
  for (const { text } of postfixLogEvents({ lines, seed, reference })) {
    buffer += `${text}\n`;
    if (buffer.length > 1 << 20) { process.stdout.write(buffer); buffer = ''; }
  }
  process.stdout.write(buffer);
  if (referenceFile) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(referenceFile, [...reference.keys()].sort().map((address) => `${address}\n`).join(''));
  }
}
