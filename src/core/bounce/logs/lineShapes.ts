// The shapes of the log lines that more than one reader needs: the bounce recognizers (postfix.ts, exim.ts,
// sendmail.ts) and the message tracer (src/core/trace). One copy of each pattern, so both read a line alike.

/**
 * "postfix/agent[pid]: " ("postfix-out/submission/smtpd[pid]: "), group 1 the agent. It starts only where a run of
 * name characters starts, so a run of "postfix/" is scanned once, not once from each of its "postfix".
 */
export const POSTFIX_PROGRAM = /(?<![\w/-])postfix[\w/-]*\/([\w-]+)\[\d+\]: /g;

/**
 * A Postfix queue ID right after the program tag, followed by ": ": the short form (upper-case hex) or the long
 * form of enable_long_queue_ids (time in a 52-letter alphabet without vowels, "z", the inode in 51 letters without
 * "z"). Sticky and tried once per line: the runs cannot overlap, so its time is linear in the ID's length.
 */
export const POSTFIX_QUEUE_ID = /([0-9A-F]{5,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}z[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-y]+): /y;

const EXIM_DATE = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?: [+-]\\d{4})?';
/** An Exim message ID: "1abcde-000123-AB", or Exim 4.97's longer "1rfNAW-00000000Gvz-0Ao4". */
export const EXIM_MESSAGE_ID = '[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}';
const EXIM_MESSAGE = `(?:\\[\\d+\\] )?(${EXIM_MESSAGE_ID}) (?:(\\*\\*|==|=>|->|\\*>) )?(.*)$`;
const EXIM_LINE = new RegExp(`^(${EXIM_DATE}) ${EXIM_MESSAGE}`);
/** The part of a syslog line after "exim[pid]: ": Exim's own time stamp is optional there. */
const EXIM_SYSLOG_LINE = new RegExp(`^(?:(${EXIM_DATE}) )?${EXIM_MESSAGE}`);
const EXIM_SYSLOG_TAG = /\bexim\d*\[\d+\]: /;

/** A line of one Exim message, from its main log or syslog. */
export interface EximMessageLine {
  /** Exim's own time stamp, when written. */
  readonly date?: string;
  readonly messageId: string;
  /** Where the message ID starts on the line. */
  readonly idStart: number;
  /** "**", "==", "=>", "->" or "*>"; undefined for the message's other lines ("<=", "Completed", host errors). */
  readonly flag?: string;
  /** What follows the ID and the flag. */
  readonly rest: string;
  /** Sent through syslog: the line starts with syslog's time stamp. */
  readonly syslog: boolean;
}

/** The line as a line of one Exim message, or undefined; `body` is what follows "exim[pid]: " on a syslog line
 * (the whole line otherwise), for the readers of Exim's other lines. */
export function eximMessageLine(line: string): { message?: EximMessageLine; body: string } {
  const own = EXIM_LINE.exec(line);
  if (own) return { message: eximMessage(own, 0, false), body: line };
  const tag = line.includes('exim') ? EXIM_SYSLOG_TAG.exec(line) : null;
  if (!tag) return { body: line };
  const offset = tag.index + tag[0].length;
  const body = line.slice(offset);
  const match = EXIM_SYSLOG_LINE.exec(body);
  return { message: match ? eximMessage(match, offset, true) : undefined, body };
}

function eximMessage(match: RegExpExecArray, offset: number, syslog: boolean): EximMessageLine {
  const [whole, date, messageId, flag, rest] = match;
  // The ID is the first of its shape after the optional date and "[pid] ".
  const idStart = offset + whole.indexOf(messageId);
  return { date, messageId, idStart, flag, rest, syslog };
}

/** " H=host [ip]" of an Exim line (the leading space included in the text searched). */
export const EXIM_HOST = / H=(\S+(?: \[[^\]]+\])?)/;

/** "sendmail[pid]: QUEUEID: " (sm-mta, sm-msp-queue too), group 1 the queue ID. */
export const SENDMAIL_PROGRAM = /(?:sendmail|sm-mta|sm-msp-queue)\[\d+\]: (\w+): /;

/** ", relay=HOST" of a Postfix or Sendmail line. */
export const RELAY_FIELD = /, relay=([^,\s]+)/;
