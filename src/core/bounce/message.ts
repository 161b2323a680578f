// Bounce messages (.eml, one message of an .mbox): RFC 3464 delivery-status parts when present, else the
// human-readable body that MTAs write (Exim, qmail, Exchange, Gmail, Yahoo, …). postal-mime does the MIME work.
import PostalMime from 'postal-mime';
import { ADDRESS_IN_TEXT, normalizeAddress } from './address';
import { clipAddressFields } from './addressFields';
import { bodyRecipients } from './bodyRecipients';
import { decodeText } from './charset';
import { enhancedCodeIn, reasonInWords, replyCodeIn, smtpStageIn } from './classify';
import { boundedEvents, KEPT_CHARS } from './detach';
import { fieldsOf, parseDeliveryStatus } from './dsn';
import { textParts } from './mimeText';
import { providerJsonEvents } from './providerJson';
import { squeezeSpaces } from '../text';
import type { BounceEvent, Outcome } from './types';

const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status', 'text/delivery-status']);
const ORIGINAL_HEADER_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global', 'message/global-headers']);
/** Where a body stops explaining and starts quoting the original message: words that say so, or the original's own
 * header block (three fields at the start of their lines, the first a From, To, Subject, Date or Message-ID; the
 * indented fields of Exchange 2003 and Notes above their recipients are not one). Spaces are matched within one line
 * only: with the m flag every CR starts a line, and a run of spaces that crossed lines was scanned again from each
 * of them, in time the square of the run's length (13 s for 100,000 CRs). A rule ("-----") is taken whole (look-ahead
 * and back-reference): the phrase starts with a letter, so no shorter rule could match where the whole fails, and
 * trying each one cost a long rule's length times the phrases. */
const COPY_MARKER = /^.{0,8}(?=(?<rule>-{2,}|={2,}|_{2,}|\*{2,}))\k<rule>.{0,12}(?:below this line|this is a copy|original message|copy of the (?:original )?message|returned message|message headers follow|unsent message|original mail|headers of the original|undelivered message|forwarded message)|^[ \t]*(?:-+[ \t]*)?(?:original message follows|original message[ \t]*:|the original message headers|below is a copy|below is the original message|headers of your message|your original message|your message reads|message text follows|the text of your message)|^Content-Type: message\/rfc822|^(?:Return-Path|Received): |^(?:From|Date|Subject|To|Message-ID)[ \t]*:[^\r\n]*\r?\n(?:(?:From|To|Cc|Subject|Date|Message-ID|MIME-Version|Reply-To|Sender)[ \t]*:[^\r\n]*\r?\n){2}/im;
const BOUNCE_SUBJECT = /undeliver|returned mail|returned to sender|delivery (?:status|failure|failed|notification|has failed|problem)|failure notice|mail delivery|non-?delivery|could not be delivered|not delivered|delivery report|rejected|bounce|mail system error|nondeliverable|warning: could not send|fehlgeschlagen|unzustellbar|error/i;
const BOUNCE_SENDER = /mailer-daemon|post_?master|mail delivery|mail administrator|bounce|mdaemon|mailer|noreply|no-reply/i;
const DEFERRED_WORDS = /(?:temporary|transient) (?:error|failure|problem)|will (?:be )?retr(?:y|ied)|still trying|delayed|not yet been delivered|has not been delivered yet|continue to attempt/i;
const AUTO_REPLY_SUBJECT = /^(?:auto(?:matic)?[- ]?(?:reply|response)|autorespons|out of (?:the )?office|away|vacation)/i;
/** The returned original's Message-ID. An id holds no line break: each "Message-ID: <" without its ">" was
 * otherwise scanned to the end of the headers. */
const MESSAGE_ID = /^Message-ID:\s*(<[^>\r\n]*>)/im;
/**
 * A bounce has a handful of MIME parts, and postal-mime spends a tenth of a millisecond and some KB on each: a
 * message of thousands (broken or hostile) is refused with that reason, not parsed for seconds until postal-mime
 * reports its limit on the size of all headers.
 */
const MAX_MIME_PARTS = 1000;
/** A boundary parameter (RFC 2046: 1 to 70 characters), quoted or not, and the lines that may open a part. */
const BOUNDARY = /\bboundary\s*=\s*(?:"([^"\r\n]{1,70})"|([^\s;"]{1,70}))/gi;
const DELIMITER_LINE = /^--(.*)$/gm;
/** The first header block of a text: the returned original's headers, when the text is its copy. */
function firstHeaderBlock(text: string): Map<string, string> {
  const start = text.search(/^[\w-]+:[ \t]/m);
  if (start < 0) return new Map();
  // Read line by line to the block's end: the rest (a whole returned message) is not split into lines.
  const lines: string[] = [];
  for (let from = start; ; ) {
    const newline = text.indexOf('\n', from);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(from, text.charCodeAt(end - 1) === 13 && end > from ? end - 1 : end);
    // The block ends at a blank line, or at a line that is neither a field nor a field's continuation.
    if (line.trim() === '' || (!/^[ \t]/.test(line) && line.indexOf(':') <= 0)) break;
    lines.push(line);
    if (newline < 0) break;
    from = newline + 1;
  }
  return fieldsOf(lines);
}

/** The addresses of some fields of a header block. */
function addressesOf(fields: ReadonlyMap<string, string>, names: readonly string[]): string[] {
  return names.flatMap((name) => fields.get(name)?.match(ADDRESS_IN_TEXT) ?? []).map((raw) => normalizeAddress(raw)).filter((value): value is string => Boolean(value));
}

export interface ParsedMessage {
  readonly events: BounceEvent[];
  /** Why nothing was taken from a message that is not a bounce (auto-reply, feedback report, …). */
  readonly skipped?: string;
}

/** A part's bytes as text: its charset is rarely declared on report parts, and often wrong on text ones. */
function decode(content: ArrayBuffer | Uint8Array | string): string {
  return typeof content === 'string' ? content : decodeText(content instanceof Uint8Array ? content : new Uint8Array(content));
}

const HEADER_START = /^[\w-]+:/;

/**
 * The header block of a returned original (up to its first empty line), or all of it when it does not start with a
 * header: only the headers are read (its Message-ID, its parties), and decoding a body meant guessing its charset.
 */
function headerBlockOf(content: ArrayBuffer | Uint8Array | string): ArrayBuffer | Uint8Array | string {
  if (typeof content === 'string') return content;
  const bytes = content instanceof Uint8Array ? content : new Uint8Array(content);
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1000)).toString('latin1');
  if (!HEADER_START.test(head)) return bytes;
  const blank = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf('\n\n');
  return blank < 0 ? bytes : bytes.subarray(0, blank + 1);
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

/** How many MIME parts a message opens: its lines of "--" and a boundary it declares (of its first
 * MAX_MIME_PARTS boundaries: a body may name "boundary=" any number of times). */
function mimeParts(text: string): number {
  const boundaries = new Set<string>();
  for (const match of text.matchAll(BOUNDARY)) {
    if (boundaries.size >= MAX_MIME_PARTS) break;
    boundaries.add(match[1] ?? match[2]);
  }
  if (boundaries.size === 0) return 0;
  let parts = 0;
  for (const [, boundary] of text.matchAll(DELIMITER_LINE)) if (boundaries.has(boundary.trimEnd())) parts++;
  return parts;
}

/**
 * `text` with the tags that `tag` (global, ending in ">") finds replaced, tried only up to the last ">": no tag
 * closes after it, and tried from each "<" there, each try scanned on to the end.
 */
function replaceTags(text: string, tag: RegExp, replacement: string): string {
  const end = text.lastIndexOf('>') + 1;
  return text.slice(0, end).replace(tag, replacement) + text.slice(end);
}

/** Plain text of an HTML body, good enough for wording and addresses. */
function htmlToText(html: string): string {
  return replaceTags(replaceTags(html, /<(?:br|\/p|\/div|\/tr|\/li|\/h\d)[^>]*>/gi, '\n'), /<[^>]+>/g, ' ').replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&nbsp;|&#160;/g, ' ').replace(/&quot;/g, '"');
}

/** Where a body's quoted original message starts (its length when it quotes none). */
function copyStart(text: string): number {
  return COPY_MARKER.exec(text)?.index ?? text.length;
}

/**
 * Characters of a body's explaining text that are read for recipients and wording. A bounce explains itself in a few
 * KB (the corpus's messages have at most 74 KB); 8 MB of text read whole held some 150 MB at once (an object per line
 * and per address, the text squeezed and lower-cased), and the heap grew to twice that before it was collected.
 */
export const MAX_EXPLANATION_CHARS = 1 << 20;

/** The explaining part of a body (up to `end`, the quoted original), its first MAX_EXPLANATION_CHARS characters
 * cut at a line's end: a line cut short could name another address. */
function explanation(text: string, end: number): string {
  if (end <= MAX_EXPLANATION_CHARS) return text.slice(0, end);
  const lineEnd = text.lastIndexOf('\n', MAX_EXPLANATION_CHARS);
  return text.slice(0, lineEnd > 0 ? lineEnd : MAX_EXPLANATION_CHARS);
}

/** The body of a raw message (after the first blank line). */
function rawBodyOf(text: string): string {
  const blank = /\r?\n\r?\n|\r\r/.exec(text);
  return blank ? text.slice(blank.index + blank[0].length) : '';
}

/** Finds the bounced recipients of one message. `location` names it in records (file and first line). */
export async function parseBounceMessage(bytes: Uint8Array, file: string, line = 1): Promise<ParsedMessage> {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const parts = mimeParts(raw);
  if (parts > MAX_MIME_PARTS) throw new Error(`too many MIME parts (${parts.toLocaleString('en')}; a bounce has a few, and at most ${MAX_MIME_PARTS.toLocaleString('en')} are read)`);
  const parser = new PostalMime({ forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer' });
  const email = await parser.parse(clipAddressFields(normalizeNewlines(bytes)));
  const decoded = textParts(parser);
  const header = (name: string) => email.headers.find((entry) => entry.key === name)?.value;
  const subject = email.subject ?? '';
  if (email.attachments.some((part) => part.mimeType === 'message/feedback-report')) return { events: [], skipped: 'feedback report (ARF)' };
  // A multipart/report without working boundaries leaves postal-mime with no parts: fall back to the raw body.
  const rawBody = rawBodyOf(raw);
  const dsnTexts = email.attachments.filter((part) => DSN_TYPES.has(part.mimeType)).map((part) => decode(part.content));
  if (dsnTexts.length === 0) {
    const start = rawBody.search(/^(?:Reporting-MTA|Final-Recipient|Original-Recipient):/im);
    if (start >= 0) dsnTexts.push(rawBody.slice(start));
  }
  const fullText = (decoded?.text ?? email.text ?? '') || htmlToText(decoded?.html ?? email.html ?? '') || rawBody;
  const copyAt = copyStart(fullText);
  const bodyText = explanation(fullText, copyAt);
  const originalHeaders = email.attachments.filter((part) => ORIGINAL_HEADER_TYPES.has(part.mimeType)).map((part) => decode(headerBlockOf(part.content))).join('\n');
  const messageId = MESSAGE_ID.exec(originalHeaders)?.[1];
  const date = email.date;
  const from = email.from?.address ?? '';
  // The returned original's headers: an attached copy, else the copy after the explaining text.
  const original = firstHeaderBlock(originalHeaders || fullText.slice(copyAt));
  // The bounce's own parties and the returned original's sender are failed recipients only where a field that
  // names failed recipients says so (Final-Recipient, X-Failed-Recipients: mail to oneself), never in running text.
  const senders = new Set(
    [email.to?.map((entry) => 'address' in entry ? entry.address : ''), from, email.returnPath, email.deliveredTo, header('x-original-to'),
      addressesOf(original, ['from', 'sender', 'reply-to', 'return-path'])]
      .flat().filter((value): value is string => Boolean(value)).map((value) => normalizeAddress(value)?.toLowerCase() ?? ''),
  );
  senders.delete('');
  const context = squeezeSpaces(bodyText);
  /** The explaining text's start, for a recipient whose own words do not explain its failure. */
  const surrounding = context.slice(0, 600);
  let fromText = bodyRecipients(bodyText, senders);
  if (fromText.length === 0) {
    // A bounce that names no recipient, of a message that had exactly one: that one failed (MMS gateways, some
    // carriers). The original's "To:" may sit in the explaining text ("Original Message: From: … To: …").
    const originalRecipients = addressesOf(original.size ? original : firstHeaderBlock(bodyText.slice(bodyText.search(/^To:/m))), ['to', 'cc']);
    const distinct = new Set(originalRecipients.map((value) => value.toLowerCase()));
    const [only] = distinct;
    if (distinct.size === 1 && !senders.has(only)) fromText = [{ address: originalRecipients[0], diagnostic: context.trim().slice(0, 600), source: 'original' }];
  }
  const byAddress = new Map(fromText.map((entry) => [entry.address.toLowerCase(), entry]));
  let lowerBody: string | undefined;
  /** Up to 600 characters of the text above a recipient's line, spaces squeezed, read from a window before it. */
  const leadBefore = (address: string) => {
    lowerBody ??= bodyText.toLowerCase();
    const at = Math.max(0, lowerBody.indexOf(address.toLowerCase()));
    return squeezeSpaces(bodyText.slice(Math.max(0, at - KEPT_CHARS), at)).trim().slice(-600);
  };

  const events: BounceEvent[] = [];
  for (const dsnText of dsnTexts) {
    const report = parseDeliveryStatus(dsnText);
    const singleRecipient = report.recipients.length === 1;
    for (const recipient of report.recipients) {
      const outcome: Outcome = recipient.action === 'failed' ? 'failed' : recipient.action === 'delayed' ? 'deferred'
        : /^(?:delivered|relayed|expanded)$/.test(recipient.action) ? 'delivered' : recipient.status?.startsWith('4') ? 'deferred' : recipient.status?.startsWith('2') ? 'delivered' : 'failed';
      // The human-readable part often says more than the Diagnostic-Code (or is the only place with the text).
      const own = byAddress.get(recipient.address.toLowerCase());
      const bodyBlock = own?.diagnostic;
      // With one recipient, the sentence above its line explains it too (EZweb: "The user(s) account is disabled."
      // above "<a@ezweb.ne.jp>: 550 user unknown"); the recipient's own line stays first for its codes.
      const lead = singleRecipient && bodyBlock && own?.source === 'text' ? leadBefore(recipient.address) : '';
      const extra = bodyBlock ? `${bodyBlock} ${lead}`.trim() : singleRecipient ? surrounding : '';
      const diagnostic = recipient.diagnostic || extra;
      events.push({
        file, line, messageId, address: recipient.address, outcome, status: recipient.status ?? enhancedCodeIn(diagnostic),
        reply: replyCodeIn(recipient.diagnostic, true) ?? replyCodeIn(diagnostic, true), diagnostic,
        remoteMta: recipient.remoteMta, date: recipient.date ?? date, format: 'dsn',
        stage: smtpStageIn(recipient.diagnostic) ?? own?.stage ?? smtpStageIn(extra), source: 'dsn',
      });
    }
  }
  if (events.length > 0) return { events: boundedEvents(events) };
  const json = [fullText, ...email.attachments.filter((part) => /json/i.test(part.mimeType)).map((part) => decode(part.content))];
  for (const text of json) {
    const provider = providerJsonEvents(text, { file, line, messageId }, date);
    if (provider) return provider.length ? { events: boundedEvents(provider) } : { events: [], skipped: 'provider notification that is not a bounce' };
  }

  const isBounce = BOUNCE_SUBJECT.test(subject) || BOUNCE_SENDER.test(`${from} ${email.from?.name ?? ''}`) || header('x-failed-recipients') !== undefined;
  // Not Auto-Submitted: Exim marks its own bounces "auto-replied" too.
  if (!isBounce || AUTO_REPLY_SUBJECT.test(subject)) {
    return { events: [], skipped: dsnTexts.length > 0 ? 'delivery report without recipients' : 'not a bounce message' };
  }
  const failed = header('x-failed-recipients')?.split(',').map((value) => normalizeAddress(value)).filter((value): value is string => Boolean(value)) ?? [];
  const recipients = failed.length === 0 ? fromText
    : failed.map((address) => {
      const own = byAddress.get(address.toLowerCase());
      return { address, diagnostic: own?.diagnostic ?? surrounding, source: 'header' as const, stage: own?.stage };
    });
  const outcome: Outcome = DEFERRED_WORDS.test(bodyText) && !/permanent|fatal|failed permanently/i.test(bodyText) ? 'deferred' : 'failed';
  const explains = (text: string) => enhancedCodeIn(text) || /(?:^|\s)[45]\d\d[\s-]/.test(text) || reasonInWords(text) !== undefined;
  // What a recipient's block says, read once per distinct block: a list's bounce may name thousands under one text.
  const sayings = new Map<string, Pick<BounceEvent, 'diagnostic' | 'status' | 'reply' | 'remoteMta'>>();
  const sayingOf = (block: string) => {
    let saying = sayings.get(block);
    if (!saying) {
      // A block that explains nothing (no code, no known wording) is explained by the text around it.
      const text = explains(block) ? block : `${block} ${surrounding}`;
      saying = { diagnostic: text, status: enhancedCodeIn(text), reply: replyCodeIn(text, true), remoteMta: /host (\S+) \[/.exec(text)?.[1] };
      sayings.set(block, saying);
    }
    return saying;
  };
  for (const recipient of recipients) {
    const { diagnostic, status, reply, remoteMta } = sayingOf(recipient.diagnostic);
    events.push({
      file, line, messageId, address: recipient.address, outcome, status, reply, diagnostic, remoteMta, date, format: 'message-body',
      source: recipient.source, stage: recipient.stage,
    });
  }
  return { events: boundedEvents(events) };
}
