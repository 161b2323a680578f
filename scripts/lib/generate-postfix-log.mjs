// Seeded generator of a realistic Postfix syslog: message flows (smtpd connect, cleanup, qmgr, smtp deliveries
// that are sent, deferred or bounced with the remote server's "said:" text, bounce notifications, removal) mixed
// with NOQUEUE rejects. The same seed always gives the same log, so benchmarks and accuracy figures repeat.
//
//   generatePostfixLog({ lines, seed })        → the log as one string (LF newlines, final newline)
//   postfixLogEvents({ lines, seed })          → iterator of { text, delivery } per line; `delivery` is set on
//                                                 smtp delivery and NOQUEUE lines: { recipient, dsn, status,
//                                                 replyCode } with status sent | deferred | bounced | expired |
//                                                 reject — the answer key for extraction tests.

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const USERS = ['ana', 'bruno', 'chen.li', 'dmitri', 'eva_k', 'farah', 'g.rossi', 'hiro', 'ines+news', 'jo', 'karl.m', 'lena', 'm.ortiz', 'noor', 'olu', 'priya.s', 'quinn', 'r.dubois', 'sven', 'tala'];
const DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.info', 'corp.example', 'shop.example.co.uk', 'uni.example.edu', 'legacy-corp.example'];
const SENDERS = ['newsletter@example.org', 'billing@example.org', 'noreply@send.example.org', 'alerts@ops.example.org', '<>'];
const CLIENTS = ['client.example.net', 'unknown', 'mta-out.example.com', 'smtp.partner.example', 'dsl-77.isp.example'];

/** Remote answers per outcome: [reply code, enhanced code, text]. */
const BOUNCES = [
  ['550', '5.1.1', '<{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table'],
  ['550', '5.1.1', 'The email account that you tried to reach does not exist. Please try double-checking the recipient\'s email address for typos or unnecessary spaces.'],
  ['554', '5.7.1', '<{rcpt}>: Relay access denied'],
  ['550', '5.7.1', 'Service unavailable; Client host [{ip}] blocked using zen.spamhaus.example'],
  ['552', '5.2.2', '<{rcpt}>: Mailbox full, quota exceeded'],
  ['550', '5.3.2', 'System not accepting network messages'],
  ['553', '5.1.3', '<{rcpt}>: Recipient address rejected: invalid address syntax'],
  ['550', '5.2.1', 'The email account that you tried to reach is disabled.'],
  ['554', '5.6.0', 'Message rejected: content policy violation'],
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
const COMMANDS = ['RCPT TO', 'RCPT TO', 'RCPT TO', 'MAIL FROM', 'end of DATA'];

/** Yields one `{ text, delivery }` per log line. */
export function* postfixLogEvents({ lines, seed = 1 }) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const int = (low, high) => low + Math.floor(next() * (high - low + 1));
  const hex = (length) => Array.from({ length }, () => '0123456789ABCDEF'[int(0, 15)]).join('');
  const ip = () => `${pick(['192.0.2', '198.51.100', '203.0.113'])}.${int(1, 254)}`; // documentation ranges
  const month = MONTHS[int(0, 11)];
  let day = int(1, 28);
  let seconds = int(0, 3600);
  let emitted = 0;

  const stamp = () => {
    seconds += int(0, 3);
    if (seconds >= 86_400) { seconds -= 86_400; day = (day % 28) + 1; }
    const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
    const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
    const ss = String(seconds % 60).padStart(2, '0');
    return `${month} ${String(day).padStart(2, ' ')} ${hh}:${mm}:${ss} mail`;
  };
  const line = (program, message) => `${stamp()} postfix/${program}[${int(1000, 65000)}]: ${message}`;
  const fill = (text, rcpt, clientIp, helo) => text.replace('{rcpt}', rcpt).replace('{ip}', clientIp).replace('{helo}', helo);
  const delays = () => {
    const parts = [next() * 2, next() * 0.1, next() * 3, next() * 5].map((n) => Number(n.toFixed(n < 0.1 ? 2 : 1)));
    return { total: parts.reduce((a, b) => a + b, 0).toFixed(1), parts: parts.join('/') };
  };

  while (emitted < lines) {
    const flow = [];
    if (next() < 0.12) {
      const [reply, enhanced, text] = pick(NOQUEUE);
      const rcpt = `${pick(USERS)}@${pick(DOMAINS)}`;
      const clientIp = ip();
      const helo = pick(CLIENTS);
      flow.push({
        text: line('smtpd', `NOQUEUE: reject: RCPT from ${pick(CLIENTS)}[${clientIp}]: ${reply} ${enhanced} ${fill(text, rcpt, clientIp, helo)}; from=<${pick(SENDERS).replace(/[<>]/g, '')}> to=<${rcpt}> proto=ESMTP helo=<${helo}>`),
        delivery: { recipient: rcpt, dsn: enhanced, status: 'reject', replyCode: reply },
      });
    } else {
      const queueId = hex(10);
      const clientIp = ip();
      const client = pick(CLIENTS);
      flow.push({ text: line('smtpd', `connect from ${client}[${clientIp}]`) });
      flow.push({ text: line('smtpd', `${queueId}: client=${client}[${clientIp}]`) });
      flow.push({ text: line('cleanup', `${queueId}: message-id=<${int(2020, 2026)}${hex(8)}.${queueId}@mail.example.org>`) });
      const recipients = int(1, 3);
      flow.push({ text: line('qmgr', `${queueId}: from=<${pick(SENDERS).replace(/[<>]/g, '')}>, size=${int(600, 90_000)}, nrcpt=${recipients} (queue active)`) });
      let bounced = false;
      for (let r = 0; r < recipients; r++) {
        const rcpt = `${pick(USERS)}@${pick(DOMAINS)}`;
        const relayHost = `mx${int(1, 3)}.${rcpt.split('@')[1]}`;
        const relayIp = ip();
        const relay = `relay=${relayHost}[${relayIp}]:25`;
        const { total, parts } = delays();
        const roll = next();
        let message;
        let delivery;
        if (roll < 0.7) {
          message = `to=<${rcpt}>, ${relay}, delay=${total}, delays=${parts}, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${hex(10)})`;
          delivery = { recipient: rcpt, dsn: '2.0.0', status: 'sent', replyCode: '250' };
        } else if (roll < 0.85) {
          const [reply, enhanced, text] = pick(DEFERRALS);
          message = `to=<${rcpt}>, ${relay}, delay=${total}, delays=${parts}, dsn=${enhanced}, status=deferred (host ${relayHost}[${relayIp}] said: ${reply} ${enhanced} ${fill(text, rcpt, relayIp, client)})`;
          delivery = { recipient: rcpt, dsn: enhanced, status: 'deferred', replyCode: reply };
        } else if (roll < 0.98) {
          const [reply, enhanced, text] = pick(BOUNCES);
          message = `to=<${rcpt}>, ${relay}, delay=${total}, delays=${parts}, dsn=${enhanced}, status=bounced (host ${relayHost}[${relayIp}] said: ${reply} ${enhanced} ${fill(text, rcpt, relayIp, client)} (in reply to ${pick(COMMANDS)} command))`;
          delivery = { recipient: rcpt, dsn: enhanced, status: 'bounced', replyCode: reply };
          bounced = true;
        } else {
          message = `to=<${rcpt}>, relay=none, delay=${int(432_000, 433_000)}, delays=${parts}, dsn=4.4.1, status=expired, returned to sender`;
          delivery = { recipient: rcpt, dsn: '4.4.1', status: 'expired', replyCode: undefined };
          bounced = true;
        }
        flow.push({ text: line('smtp', `${queueId}: ${message}`), delivery });
      }
      if (bounced) flow.push({ text: line('bounce', `${queueId}: sender non-delivery notification: ${hex(10)}`) });
      flow.push({ text: line('qmgr', `${queueId}: removed`) });
      flow.push({ text: line('smtpd', `disconnect from ${client}[${clientIp}] ehlo=1 mail=1 rcpt=${recipients} data=1 quit=1 commands=${recipients + 4}`) });
    }
    for (const event of flow) {
      if (emitted >= lines) return;
      emitted += 1;
      yield event;
    }
  }
}

/** The generated log as one string, `lines` lines long. */
export function generatePostfixLog({ lines, seed = 1 }) {
  const out = [];
  for (const { text } of postfixLogEvents({ lines, seed })) out.push(text);
  return `${out.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  // `node scripts/lib/generate-postfix-log.mjs [lines] [seed]` prints a log, e.g. to make a demo file.
  process.stdout.write(generatePostfixLog({ lines: Number(process.argv[2] ?? 20), seed: Number(process.argv[3] ?? 1) }));
}
