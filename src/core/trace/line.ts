// What one log line says about the message it belongs to: the MTA's ID for the message (Postfix or Sendmail queue
// ID, Exim message ID) and the facts a trace shows (sender, size, client, Message-ID, next hop, delay, hand-off to a
// new ID). Recipients and their outcomes are not read here: the bounce recognizers already read them (trace/index.ts
// takes their events).
//
// Linear in the line's length: every field is found with indexOf and read by a sticky pattern at that place.
import { execAt } from '../bounce/logs/postfix';
import { eximMessageLine, EXIM_HOST, POSTFIX_PROGRAM, POSTFIX_QUEUE_ID, RELAY_FIELD, SENDMAIL_PROGRAM } from '../bounce/logs/lineShapes';
import { syslogDate } from '../bounce/logs/recognizer';

export type TraceMta = 'postfix' | 'exim' | 'sendmail';

/** A line of one message, as the trace reads it. Offsets are UTF-16 columns of the line. */
export interface TraceLine {
  readonly mta: TraceMta;
  /** Queue ID (Postfix, Sendmail) or message ID (Exim). */
  readonly id: string;
  readonly idStart: number;
  /** The Postfix program (smtpd, cleanup, qmgr, smtp, …); "exim" or "sendmail". */
  readonly program: string;
  readonly date?: string;
  /** The line where the message entered this MTA: Postfix smtpd "client=" or pickup "uid=", Exim "<=", Sendmail
   * "from=". */
  readonly entry: boolean;
  readonly sender?: string;
  readonly size?: number;
  /** The client that handed the message in. */
  readonly client?: string;
  /** The Message-ID header, without its angle brackets, and where it starts on the line. */
  readonly messageId?: string;
  readonly messageIdStart?: number;
  /** The next hop of a delivery line (relay=, H=). */
  readonly relay?: string;
  readonly delay?: string;
  /** The ID the next hop gave the message ("queued as NEWID", Exim's C="250 OK id=NEWID"), and where it starts. */
  readonly handOff?: string;
  readonly handOffStart?: number;
  /** A delivery line (Postfix "to=", Exim "=>"/"**"/"==", Sendmail "to="). */
  readonly delivery: boolean;
}

/** Fields are read from at most this many characters after their name: a value is never longer. */
const FIELD_CHARS = 1024;
const ANGLE_VALUE = /<([^<>\s]{0,1024})>/y;
const BARE_VALUE = /([^\s,<>]{1,1024})/y;
const NUMBER = /(\d{1,15})/y;
const DELAY = /([\d.:+]{1,32})/y;
const NEXT_ID = /([0-9A-Za-z][0-9A-Za-z.-]{2,63})/y;

/** The value of `name` (e.g. "from=") found from `from` on: "<x>" gives x (with its start), a bare token as is. */
function fieldAt(text: string, name: string, from = 0): { value: string; start: number } | undefined {
  const at = text.indexOf(name, from);
  if (at < 0) return undefined;
  const start = at + name.length;
  const match = execAt(ANGLE_VALUE, text, start) ?? execAt(BARE_VALUE, text, start);
  if (!match) return undefined;
  return { value: match[1], start: text[start] === '<' ? start + 1 : start };
}

function numberAfter(text: string, name: string, from = 0): number | undefined {
  const at = text.indexOf(name, from);
  const match = at < 0 ? null : execAt(NUMBER, text, at + name.length);
  return match ? Number(match[1]) : undefined;
}

function delayAfter(text: string, from: number): string | undefined {
  const at = text.indexOf(', delay=', from);
  return at < 0 ? undefined : execAt(DELAY, text, at + 8)?.[1];
}

/** Text up to the next ", " (or the end), at most FIELD_CHARS long. */
function upToComma(text: string, start: number): string {
  const comma = text.indexOf(',', start);
  return text.slice(start, Math.min(comma < 0 ? text.length : comma, start + FIELD_CHARS)).trim();
}

/**
 * The ID a next hop gave the message, named in its reply: "queued as NEWID" (Postfix, Sendmail, most servers) or
 * "id=NEWID" (Exim's "250 OK id=…"), searched from `from` on.
 */
function handOffIn(text: string, from: number): { id: string; start: number } | undefined {
  for (const marker of ['queued as ', ' id=']) {
    const at = text.indexOf(marker, from);
    const match = at < 0 ? null : execAt(NEXT_ID, text, at + marker.length);
    // A sentence end is no part of the ID.
    if (match) return { id: match[1].replace(/[.-]+$/, ''), start: at + marker.length };
  }
  return undefined;
}

/** A line's record with every field present (one object shape for all lines: the index reads millions of them). */
function traceLine(mta: TraceMta, id: string, idStart: number, program: string, date: string | undefined): Writable<TraceLine> {
  return {
    mta, id, idStart, program, date, entry: false, sender: undefined, size: undefined, client: undefined, messageId: undefined,
    messageIdStart: undefined, relay: undefined, delay: undefined, handOff: undefined, handOffStart: undefined, delivery: false,
  };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function postfixLine(text: string): TraceLine | undefined {
  const tag = text.indexOf('postfix');
  if (tag < 0 || text.indexOf(']: ', tag) < 0) return undefined;
  const program = execAt(POSTFIX_PROGRAM, text, tag);
  const idMatch = program ? execAt(POSTFIX_QUEUE_ID, text, POSTFIX_PROGRAM.lastIndex) : null;
  if (!program || !idMatch) return undefined;
  const idStart = POSTFIX_QUEUE_ID.lastIndex - idMatch[0].length;
  const body = POSTFIX_QUEUE_ID.lastIndex;
  const agent = program[1];
  const line = traceLine('postfix', idMatch[1], idStart, agent, syslogDate(text));
  if (text.startsWith('client=', body)) {
    line.entry = agent === 'smtpd';
    line.client = upToComma(text, body + 7);
  } else if (text.startsWith('uid=', body)) {
    line.entry = true;
    line.sender = fieldAt(text, ' from=', body)?.value;
  } else if (text.startsWith('message-id=', body)) {
    const messageId = fieldAt(text, 'message-id=', body);
    line.messageId = messageId?.value;
    line.messageIdStart = messageId?.start;
  } else if (text.startsWith('from=', body)) {
    line.sender = fieldAt(text, 'from=', body)?.value;
    line.size = numberAfter(text, ', size=', body);
  } else if (text.startsWith('to=', body)) {
    const relay = RELAY_FIELD.exec(text.slice(body, body + 2 * FIELD_CHARS))?.[1];
    const status = text.indexOf(', status=sent', body);
    const handOff = status < 0 ? undefined : handOffIn(text, status);
    line.delivery = true;
    line.relay = relay === 'none' ? undefined : relay;
    line.delay = delayAfter(text, body);
    line.handOff = handOff?.id;
    line.handOffStart = handOff?.start;
  }
  return line;
}

function eximLine(text: string): TraceLine | undefined {
  const { message } = eximMessageLine(text);
  if (!message) return undefined;
  const { messageId: id, idStart, flag, rest } = message;
  const restStart = text.length - rest.length;
  const line = traceLine('exim', id, idStart, 'exim', message.date ?? (message.syslog ? syslogDate(text) : undefined));
  const host = () => EXIM_HOST.exec(` ${rest.slice(0, 2 * FIELD_CHARS)}`)?.[1];
  if (!flag && rest.startsWith('<= ')) {
    const messageId = fieldAt(text, ' id=', restStart);
    line.entry = true;
    line.sender = execAt(BARE_VALUE, rest, 3)?.[1];
    line.size = numberAfter(rest, ' S=');
    line.client = host();
    line.messageId = messageId?.value;
    line.messageIdStart = messageId?.start;
  } else if (flag) {
    // The next hop's reply is in C="…" (log_selector +smtp_confirmation, on by default).
    const confirmation = flag === '**' || flag === '==' ? -1 : text.indexOf(' C="', restStart);
    const handOff = confirmation < 0 ? undefined : handOffIn(text, confirmation);
    line.delivery = true;
    line.relay = host();
    line.handOff = handOff?.id;
    line.handOffStart = handOff?.start;
  }
  return line;
}

function sendmailLine(text: string): TraceLine | undefined {
  if (!text.includes('sendmail[') && !text.includes('sm-mta[') && !text.includes('sm-msp-queue[')) return undefined;
  const program = SENDMAIL_PROGRAM.exec(text);
  if (!program) return undefined;
  const id = program[1];
  const idStart = program.index + program[0].length - id.length - 2;
  const body = program.index + program[0].length;
  const line = traceLine('sendmail', id, idStart, 'sendmail', syslogDate(text));
  const fields = text.slice(body, body + 4 * FIELD_CHARS);
  if (text.startsWith('from=', body)) {
    const messageId = fieldAt(text, ', msgid=', body);
    line.entry = true;
    line.sender = fieldAt(text, 'from=', body)?.value;
    line.size = numberAfter(text, ', size=', body);
    line.client = RELAY_FIELD.exec(fields)?.[1];
    line.messageId = messageId?.value;
    line.messageIdStart = messageId?.start;
  } else if (text.startsWith('to=', body)) {
    const stat = text.indexOf('stat=Sent', body);
    const handOff = stat < 0 ? undefined : handOffIn(text, stat);
    line.delivery = true;
    line.relay = RELAY_FIELD.exec(fields)?.[1];
    line.delay = delayAfter(text, body);
    line.handOff = handOff?.id;
    line.handOffStart = handOff?.start;
  }
  return line;
}

/** The line as a line of one message of Postfix, Exim or Sendmail; undefined for any other line (connections,
 * NOQUEUE rejects, other programs). */
export function parseTraceLine(text: string): TraceLine | undefined {
  return postfixLine(text) ?? eximLine(text) ?? sendmailLine(text);
}
