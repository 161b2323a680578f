// Bounce messages (.eml, one message of an .mbox): RFC 3464 delivery-status parts when present, else the
// human-readable body that MTAs write (Exim, qmail, Exchange, Gmail, Yahoo, …). postal-mime does the MIME work.
import PostalMime from 'postal-mime';
import { ADDRESS_IN_TEXT, normalizeAddress } from './address';
import { enhancedCodeIn, reasonFor, replyCodeIn, smtpStageIn } from './classify';
import { parseDeliveryStatus } from './dsn';
import type { BounceEvent, Outcome } from './types';

const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status', 'text/delivery-status']);
const ORIGINAL_HEADER_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global', 'message/global-headers']);
/** Where a body stops explaining and starts quoting the original message. Spaces are matched within one line
 * only: with the m flag every CR starts a line, and a run of spaces that crossed lines was scanned again from each
 * of them, in time the square of the run's length (13 s for 100,000 CRs). */
const COPY_MARKER = /^.{0,8}(?:-{2,}|={2,}|_{2,}|\*{2,}).{0,12}(?:below this line|this is a copy|original message|copy of the (?:original )?message|returned message|message headers follow|unsent message|original mail|headers of the original|undelivered message)|^[ \t]*(?:-+[ \t]*)?(?:original message follows|the original message headers|below is a copy|headers of your message|your original message)|^Content-Type: message\/rfc822|^(?:Return-Path|Received): /im;
const BOUNCE_SUBJECT = /undeliver|returned mail|returned to sender|delivery (?:status|failure|failed|notification|has failed|problem)|failure notice|mail delivery|non-?delivery|could not be delivered|not delivered|delivery report|rejected|bounce|mail system error|nondeliverable|warning: could not send|fehlgeschlagen|unzustellbar|error/i;
const BOUNCE_SENDER = /mailer-daemon|post_?master|mail delivery|mail administrator|bounce|mdaemon|mailer|noreply|no-reply/i;
const DEFERRED_WORDS = /(?:temporary|transient) (?:error|failure|problem)|will (?:be )?retr(?:y|ied)|still trying|delayed|not yet been delivered|has not been delivered yet|continue to attempt/i;
const AUTO_REPLY_SUBJECT = /^(?:auto(?:matic)?[- ]?(?:reply|response)|autorespons|out of (?:the )?office|away|vacation)/i;
const NON_RECIPIENT = /^(?:mailer-daemon|postmaster|root|abuse|noreply|no-reply|bounces?)@/i;

export interface ParsedMessage {
  readonly events: BounceEvent[];
  /** Why nothing was taken from a message that is not a bounce (auto-reply, feedback report, …). */
  readonly skipped?: string;
}

function decode(content: ArrayBuffer | Uint8Array | string): string {
  return typeof content === 'string' ? content : new TextDecoder('utf-8').decode(content);
}

/** Bare-CR files (old Mac) confuse every MIME parser; they become LF here (CRLF stays one line end, as LF). */
function normalizeNewlines(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(13)) return bytes;
  // Copied between line ends in runs, not byte by byte.
  const out = new Uint8Array(bytes.length);
  let written = 0;
  let from = 0;
  for (let cr = bytes.indexOf(13); cr >= 0; cr = bytes.indexOf(13, from)) {
    out.set(bytes.subarray(from, cr), written);
    written += cr - from;
    out[written++] = 10;
    from = bytes[cr + 1] === 10 ? cr + 2 : cr + 1;
  }
  out.set(bytes.subarray(from), written);
  return out.slice(0, written + bytes.length - from);
}

/** Plain text of an HTML body, good enough for wording and addresses. */
function htmlToText(html: string): string {
  return html.replace(/<(?:br|\/p|\/div|\/tr|\/li|\/h\d)[^>]*>/gi, '\n').replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&nbsp;|&#160;/g, ' ').replace(/&quot;/g, '"');
}

/** The explaining part of a body: up to the quoted original message. */
function explanation(text: string): string {
  const cut = COPY_MARKER.exec(text);
  return cut ? text.slice(0, cut.index) : text;
}

/**
 * An address that opens a line ("  user@example.com", "<user@example.com>:", "user@x on <date>"). Written so that
 * no character can be taken by two neighbouring parts, which on a long run of that character made the search take
 * time in the square (or cube) of the run's length: the bullet run is taken whole or not at all (look-ahead and
 * back-reference), "@" is in neither part of the address, and runs of spaces meet only across a required
 * character (hence the look-behinds for " on", " (", " - ").
 */
const ANCHOR = /^\s*(?:(?=(?<bullets>[-*>•]+))\k<bullets>\s*|(?:(?:final-|original-)?recipient(?: address)?|to|rcpt to|address|failed recipient|addressed to)\s*(?::\s*)?)?["']?<?(?<address>[^\s<>"',;:()@]+@[^\s<>"',;:()@]+?)>?["']?(?:\s*(?::.*|\.\.\..*|(?<=\s)on\s.*|(?<=\s)\(.*|(?<=\s)-\s.*|[.,;]))?\s*$/i;

/** Recipients and their failure text from a body without a delivery-status part. */
function bodyRecipients(text: string, excluded: ReadonlySet<string>): { address: string; diagnostic: string }[] {
  const lines = text.split(/\r?\n|\r/);
  let anchors: { address: string; index: number; quoted: boolean }[] = [];
  lines.forEach((line, index) => {
    const match = ANCHOR.exec(line);
    const address = match?.groups ? normalizeAddress(match.groups.address) : undefined;
    // "To: a@b" usually quotes the original message's header: used only when nothing better names a recipient.
    if (address) anchors.push({ address, index, quoted: /^\s*to\s*:/i.test(line) });
  });
  // The original sender and postmaster addresses are rarely the failed recipient, but when a line names only
  // them (a bounce of mail to postmaster, or to oneself), they are.
  const likely = anchors.filter(({ address }) => !excluded.has(address.toLowerCase()) && !NON_RECIPIENT.test(address));
  if (likely.length > 0) anchors = likely;
  if (anchors.some((anchor) => !anchor.quoted)) anchors = anchors.filter((anchor) => !anchor.quoted);
  if (anchors.length === 0) {
    // No address on a line of its own: take any address in the text, with its own line as the diagnostic.
    lines.forEach((line, index) => {
      for (const raw of line.match(ADDRESS_IN_TEXT) ?? []) {
        const address = normalizeAddress(raw);
        if (address && !excluded.has(address.toLowerCase()) && !NON_RECIPIENT.test(address)) anchors.push({ address, index, quoted: false });
      }
    });
  }
  const found = new Map<string, string>();
  anchors.forEach(({ address, index }, position) => {
    const next = anchors.slice(position + 1).find((anchor) => anchor.index > index)?.index ?? Math.min(lines.length, index + 12);
    const block = lines.slice(index, Math.min(next, index + 12)).join(' ').replace(/\s+/g, ' ').trim();
    found.set(address, `${found.get(address) ?? ''} ${block}`.trim());
  });
  return [...found].map(([address, diagnostic]) => ({ address, diagnostic }));
}

/** The body of a raw message (after the first blank line), as latin1 text. */
function rawBodyOf(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const blank = /\r?\n\r?\n|\r\r/.exec(text);
  return blank ? text.slice(blank.index + blank[0].length) : '';
}

interface SesRecipient { emailAddress?: unknown; status?: unknown; diagnosticCode?: unknown }

/**
 * Amazon SES bounce notifications sent as JSON mail bodies ("notificationType": "Bounce"). Mail gateways wrap
 * long lines and break the JSON, so only the recipients array and a few fields are read, each on its own.
 */
function sesNotification(body: string, base: { file: string; line: number; messageId?: string }, date?: string): BounceEvent[] | undefined {
  const type = /"notificationType"\s*:\s*"(\w+)"/.exec(body)?.[1];
  if (!type) return undefined;
  // Complaint and Delivery notifications name recipients too, but nothing bounced.
  if (type !== 'Bounce') return [];
  const field = (name: string) => new RegExp(`"${name}"\\s*:\\s*"([^"]*)"`).exec(body)?.[1];
  let recipients: SesRecipient[];
  try {
    recipients = JSON.parse(/"bouncedRecipients"\s*:\s*(\[[^\]]*\])/.exec(body)?.[1] ?? '[]');
  } catch {
    return undefined;
  }
  const outcome = field('bounceType') === 'Permanent' ? 'failed' as const : 'deferred' as const;
  return recipients.flatMap((recipient) => {
    const address = typeof recipient.emailAddress === 'string' ? normalizeAddress(recipient.emailAddress) : undefined;
    if (!address) return [];
    const diagnostic = typeof recipient.diagnosticCode === 'string' ? recipient.diagnosticCode.replace(/^smtp;\s*/i, '') : '';
    const status = typeof recipient.status === 'string' ? enhancedCodeIn(recipient.status) : enhancedCodeIn(diagnostic);
    return [{
      ...base, address, outcome, status, reply: replyCodeIn(diagnostic, true), diagnostic,
      remoteMta: field('reportingMTA')?.replace(/^(?:dns|dsn);\s*/i, ''), date: field('timestamp') ?? date, format: 'amazon-ses',
    }];
  });
}

/** Finds the bounced recipients of one message. `location` names it in records (file and first line). */
export async function parseBounceMessage(bytes: Uint8Array, file: string, line = 1): Promise<ParsedMessage> {
  const email = await PostalMime.parse(normalizeNewlines(bytes), { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer' });
  const header = (name: string) => email.headers.find((entry) => entry.key === name)?.value;
  const subject = email.subject ?? '';
  if (email.attachments.some((part) => part.mimeType === 'message/feedback-report')) return { events: [], skipped: 'feedback report (ARF)' };
  // A multipart/report without working boundaries leaves postal-mime with no parts: fall back to the raw body.
  const rawBody = rawBodyOf(bytes);
  const dsnTexts = email.attachments.filter((part) => DSN_TYPES.has(part.mimeType)).map((part) => decode(part.content));
  if (dsnTexts.length === 0) {
    const start = rawBody.search(/^(?:Reporting-MTA|Final-Recipient|Original-Recipient):/im);
    if (start >= 0) dsnTexts.push(rawBody.slice(start));
  }
  const bodyText = explanation((email.text ?? '') || htmlToText(email.html ?? '') || rawBody);
  const originalHeaders = email.attachments.filter((part) => ORIGINAL_HEADER_TYPES.has(part.mimeType)).map((part) => decode(part.content)).join('\n');
  const messageId = /^Message-ID:\s*(<[^>]*>)/im.exec(originalHeaders)?.[1];
  const date = email.date;
  const base = { file, line, messageId } as const;

  const events: BounceEvent[] = [];
  for (const dsnText of dsnTexts) {
    const report = parseDeliveryStatus(dsnText);
    const singleRecipient = report.recipients.length === 1;
    for (const recipient of report.recipients) {
      const outcome: Outcome = recipient.action === 'failed' ? 'failed' : recipient.action === 'delayed' ? 'deferred'
        : /^(?:delivered|relayed|expanded)$/.test(recipient.action) ? 'delivered' : recipient.status?.startsWith('4') ? 'deferred' : recipient.status?.startsWith('2') ? 'delivered' : 'failed';
      // The human-readable part often says more than the Diagnostic-Code (or is the only place with the text).
      const bodyBlock = bodyRecipients(bodyText, new Set()).find((entry) => entry.address.toLowerCase() === recipient.address.toLowerCase())?.diagnostic;
      // With one recipient, the sentence above its line explains it too (EZweb: "The user(s) account is disabled."
      // above "<a@ezweb.ne.jp>: 550 user unknown"); the recipient's own line stays first for its codes.
      const lead = singleRecipient && bodyBlock ? bodyText.slice(0, Math.max(0, bodyText.toLowerCase().indexOf(recipient.address.toLowerCase()))).replace(/\s+/g, ' ').trim().slice(-600) : '';
      const extra = bodyBlock ? `${bodyBlock} ${lead}`.trim() : singleRecipient ? bodyText.replace(/\s+/g, ' ').slice(0, 600) : '';
      const diagnostic = recipient.diagnostic || extra;
      events.push({
        ...base, address: recipient.address, outcome, status: recipient.status ?? enhancedCodeIn(diagnostic),
        reply: replyCodeIn(recipient.diagnostic, true) ?? replyCodeIn(diagnostic, true), diagnostic: recipient.diagnostic ? `${recipient.diagnostic}` : extra,
        remoteMta: recipient.remoteMta, date: recipient.date ?? date, format: 'dsn',
        stage: smtpStageIn(recipient.diagnostic) ?? smtpStageIn(extra),
      });
    }
  }
  if (events.length > 0) return { events };
  const ses = sesNotification(bodyText, base, date);
  if (ses) return ses.length ? { events: ses } : { events: [], skipped: 'Amazon SES notification that is not a bounce' };

  const from = email.from?.address ?? '';
  const isBounce = BOUNCE_SUBJECT.test(subject) || BOUNCE_SENDER.test(`${from} ${email.from?.name ?? ''}`) || header('x-failed-recipients') !== undefined;
  // Not Auto-Submitted: Exim marks its own bounces "auto-replied" too.
  if (!isBounce || AUTO_REPLY_SUBJECT.test(subject)) {
    return { events: [], skipped: dsnTexts.length > 0 ? 'delivery report without recipients' : 'not a bounce message' };
  }
  const excluded = new Set(
    [email.to?.map((entry) => 'address' in entry ? entry.address : ''), from, email.returnPath, email.deliveredTo, header('x-original-to')]
      .flat().filter((value): value is string => Boolean(value)).map((value) => normalizeAddress(value)?.toLowerCase() ?? ''),
  );
  const failed = header('x-failed-recipients')?.split(',').map((value) => normalizeAddress(value)).filter((value): value is string => Boolean(value)) ?? [];
  let recipients = bodyRecipients(bodyText, excluded);
  if (failed.length > 0) recipients = failed.map((address) => recipients.find((entry) => entry.address === address) ?? { address, diagnostic: bodyText.replace(/\s+/g, ' ').slice(0, 600) });
  const outcome: Outcome = DEFERRED_WORDS.test(bodyText) && !/permanent|fatal|failed permanently/i.test(bodyText) ? 'deferred' : 'failed';
  const context = bodyText.replace(/\s+/g, ' ');
  const explains = (text: string) => enhancedCodeIn(text) || /(?:^|\s)[45]\d\d[\s-]/.test(text) || reasonFor(undefined, text, 'failed') !== 'other';
  for (const { address, diagnostic } of recipients) {
    // A block that explains nothing (no code, no known wording) is explained by the text around it.
    const text = explains(diagnostic) ? diagnostic : `${diagnostic} ${context.slice(0, 600)}`;
    events.push({
      ...base, address, outcome, status: enhancedCodeIn(text), reply: replyCodeIn(text, true), diagnostic: text,
      remoteMta: /host (\S+) \[/.exec(text)?.[1], date, format: 'message-body',
    });
  }
  return { events };
}
