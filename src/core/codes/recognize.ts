// Finds SMTP status codes in one line of a mail log or a bounce message: RFC 3463 enhanced codes (5.3.2) and
// RFC 5321 reply codes (550). A three-digit number is everywhere in a log (pids, sizes, delays, ports), so a
// reply code is only taken where an MTA writes a server reply; an enhanced code needs less context but must not
// be part of an IP address, a version number or an identifier.
import { EnhancedCode, parseEnhancedCode } from '../statusCode';

export type CodeKind = 'enhanced' | 'reply';

/** Where on the line the code was found: tells a reader how sure the recognizer is and what the code is. */
export type CodeContext =
  | 'dsn-field' // Postfix/Sendmail `dsn=5.1.1`
  | 'status-field' // DSN `Status: 5.1.1`
  | 'diagnostic-code' // DSN `Diagnostic-Code: smtp; 550 …`
  | 'hash' // Exchange/qmail `#5.1.1`
  | 'exim-confirmation' // Exim `C="250 OK …"`
  | 'server-reply' // reply text after `said:`, `…: ` or `status=sent (`, or a transcript line
  | 'bare'; // an enhanced code standing alone in prose

export interface RecognizedCode {
  readonly kind: CodeKind;
  /** Canonical text: "5.3.2" (leading zeros dropped) or "550". */
  readonly code: string;
  /** Offsets in the line: [start, end). */
  readonly start: number;
  readonly end: number;
}

/** One mention of a status: a reply code, an enhanced code, or both when the reply is followed by one. */
export interface CodeMention {
  readonly start: number;
  readonly end: number;
  readonly reply?: RecognizedCode;
  readonly enhanced?: RecognizedCode;
  readonly context: CodeContext;
}

// Candidates: a reply code optionally followed by its enhanced code (`550 5.3.2`, `550-5.3.2`), or an enhanced
// code alone. Boundaries and context are checked in code, where the reasons can be named.
const CANDIDATE = /([245][0-5]\d)(?:([ -])#?([245]\.\d{1,3}\.\d{1,3}))?|([245]\.\d{1,3}\.\d{1,3})/;

// A character that glues the candidate to a longer token on the left: a word, an IP, a version, a path, a key.
const GLUED_LEFT = /[\w.\-/@+%$&*!?~^|\\]/;
// On the right: a word or address character, or a separator followed by a digit (IP, time, range, ratio).
const GLUED_RIGHT = /^(?:[\w@]|[.\-:/,]\d)/;

// Software names and version words: "Postfix 2.4.1", "version 4.2.1", "Linux 2.6.32".
const VERSION_BEFORE = /(?:\b(?:v|ver|version|release|rel|rev|revision|build|postfix|exim|sendmail|qmail|courier|dovecot|openssl|openssh|tls|ssl|spamassassin|amavisd(?:-new)?|clamav|mozilla|thunderbird|outlook|linux|kernel|php|perl|python|java|node|apache|nginx|libc|glibc|zlib)[\s:=]*)$/i;
const BARE_ENHANCED_BEFORE = /(?:^\s*|[:;([<"',>-]\s*|\b(?:code|status|dsn|error|type|reply|response|reason)\s+|\b[2-5]\d\d[ -])$/i;
// The DSN field `Diagnostic-Code: smtp; …`, or a bare `smtp;` as Exchange and qmail write it. Other diagnostic
// types are not SMTP replies (`X-Unix; 255` is an exit status).
const DIAGNOSTIC_BEFORE = /\bsmtp\s*;\s*$/i;
/** Keys whose value is a status code; every other `key=550` (delay, size, nrcpt, pid…) is not one. The Mail Log
 * grammar's status-codes rule lists the same keys; a unit test keeps the two lists equal. */
export const CODE_KEYS = ['dsn', 'reply', 'reject', 'code', 'smtpcode', 'status', 'stat'] as const;
const CODE_KEY_BEFORE = new RegExp(`\\b(${CODE_KEYS.join('|')})=$`, 'i');
// Units after a number: "550 ms", "250 bytes" are measures, not replies.
const UNIT_AFTER = /^\s*(?:ms|msec|s|sec|secs|seconds|minutes|mins|hours|days|bytes|[kmg]i?b|kbytes|percent|%)(?![\w-])/i;

/** Returns every status-code mention on the line, in order. */
export function findCodes(line: string): CodeMention[] {
  return [...scan(line, 0)];
}

// Characters a candidate can contain. A scan that starts right after any other character finds the same
// candidates from there on as a scan of the whole line.
const CANDIDATE_CHAR = /[\d.# -]/;
// The longest candidate: "550-#5.123.456".
const LONGEST_CANDIDATE = 14;
// How far codeAt looks back for such a start. Only a line made of digits, dots and spaces (binary junk, a number
// table) has longer runs; there the hover stays fast rather than exact.
const LOOK_BACK = 512;

/**
 * The mention under `character` (a 0-based column; the end of a code counts), or undefined. Looks only near
 * the column, so a hover on a huge line costs the same as on a short one.
 */
export function codeAt(line: string, character: number): CodeMention | undefined {
  const floor = Math.max(0, character - LOOK_BACK);
  let from = Math.max(0, character - LONGEST_CANDIDATE);
  while (from > floor && CANDIDATE_CHAR.test(line[from - 1])) from -= 1;
  for (const mention of scan(line, from, character)) {
    if (character <= mention.end) return mention;
  }
  return undefined;
}

/** Mentions that start at `from` or later and no later than `until`. */
function* scan(line: string, from: number, until = Infinity): Generator<CodeMention> {
  const candidates = new RegExp(CANDIDATE.source, 'g');
  candidates.lastIndex = from;
  for (let match = candidates.exec(line); match && match.index <= until; match = candidates.exec(line)) {
    const start = match.index;
    const end = start + match[0].length;
    if (!freeStanding(line, start, end)) continue;
    const mention = match[1] !== undefined
      ? replyMention(line, start, match[1], match[2], match[3])
      : enhancedMention(line, start, match[4]);
    if (mention) yield mention;
  }
}

function freeStanding(line: string, start: number, end: number): boolean {
  if (GLUED_RIGHT.test(line.slice(end, end + 2))) return false;
  if (start === 0) return true;
  const before = line[start - 1];
  // Exim writes multi-line replies with a literal "\n": `550-first\n550 second`.
  if (before === 'n' && line[start - 2] === '\\') return true;
  if (before === '#' || before === '=') return true; // judged by the context rules
  return !GLUED_LEFT.test(before);
}

function replyMention(line: string, start: number, reply: string, separator: string | undefined, enhanced: string | undefined): CodeMention | undefined {
  const replyCode: RecognizedCode = { kind: 'reply', code: reply, start, end: start + 3 };
  const context = replyContext(line, start);
  if (enhanced !== undefined && separator !== undefined) {
    // A reply followed by an enhanced code is a server reply wherever it stands, except as another key's value.
    if (!context && line[start - 1] === '=') return undefined;
    const enhancedCode = enhancedOf(enhanced, line.indexOf(enhanced, start + 4));
    return { start, end: enhancedCode.end, reply: replyCode, enhanced: enhancedCode, context: context ?? 'server-reply' };
  }
  if (!context || UNIT_AFTER.test(line.slice(start + 3, start + 20))) return undefined;
  return { start, end: start + 3, reply: replyCode, context };
}

/** Where a lone reply code is believable: the places MTAs write a server's reply. */
function replyContext(line: string, start: number): CodeContext | undefined {
  const before = line.slice(Math.max(0, start - 48), start);
  const after = line.slice(start + 3, start + 8);
  if (DIAGNOSTIC_BEFORE.test(before)) return 'diagnostic-code';
  if (/\bC="$/.test(before)) return 'exim-confirmation';
  // Exim `event … data "250 …"`, Courier `msg="535 …"`.
  if (/(?:\bmsg=|\bdata\s)"$/.test(before)) return 'server-reply';
  // `#550 5.1.1` (Exchange) is a reply; a lone `#555` is more likely a colour or a number.
  if (/#$/.test(before)) return undefined;
  const key = CODE_KEY_BEFORE.exec(before);
  if (key) return key[1].toLowerCase() === 'dsn' ? 'dsn-field' : 'server-reply';
  if (/=$/.test(before)) return undefined;
  // A line that starts with the reply (SMTP transcript, wrapped bounce text, quoted reply), or Exim's "\n".
  if (/^[\s>]*(?:(?:<<<|>>>|<-|->)\s*)?$/.test(before) || /\\n$/.test(before)) {
    return after === '' || /^(?:-\S| \D|:\s)/.test(after) ? 'server-reply' : undefined;
  }
  // After "said:", "returned '", "status=sent (" or an arrow ("mailbox unavailable -> 550").
  if (/\bsaid:?\s*$|\breturned:?\s*['"]?$|\bstatus=\w+\s\($|(?:->|-&gt;)\s*$/i.test(before)) return 'server-reply';
  // After "…: " (Postfix reject, Exim "after RCPT TO:<…>: ", "]:25: 535"), when reply text or a repeated reply
  // ("was: 554 554 5.7.1") follows; at the end of a line only after words that announce a reply, since header
  // fields ("Content-Length: 250") look the same.
  if (/\S:\s+$/.test(before)) {
    if (/^(?:-\S| [^\d\s]| [245][0-5]\d[ -])/.test(after)) return 'server-reply';
    if (after === '' && /\b(?:talk to me|deferred|reason):\s+$/i.test(before)) return 'server-reply';
  }
  return undefined;
}

function enhancedMention(line: string, start: number, text: string): CodeMention | undefined {
  const code = enhancedOf(text, start);
  const before = line.slice(Math.max(0, start - 48), start);
  if (before.endsWith('#')) return { start, end: code.end, enhanced: code, context: 'hash' };
  if (before.endsWith('=')) {
    const key = CODE_KEY_BEFORE.exec(before);
    if (!key) return undefined;
    return { start, end: code.end, enhanced: code, context: key[1].toLowerCase() === 'dsn' ? 'dsn-field' : 'server-reply' };
  }
  if (/^\s*status\s*:\s*$/i.test(before)) return { start, end: code.end, enhanced: code, context: 'status-field' };
  if (DIAGNOSTIC_BEFORE.test(before)) return { start, end: code.end, enhanced: code, context: 'diagnostic-code' };
  // Alone in prose: only the registry's subjects (0-7), at the start of a line, after punctuation that opens a
  // reply ("…: 5.7.1", "(5.1.1", "- 5.4.1"), after a word that names a code ("error code 5.1.10"), or after a
  // number in reply position that is not a valid reply code ("599 5.2.3").
  if ((parseEnhancedCode(text) as EnhancedCode).subject > 7 || VERSION_BEFORE.test(before)) return undefined;
  if (!BARE_ENHANCED_BEFORE.test(before)) return undefined;
  return { start, end: code.end, enhanced: code, context: 'bare' };
}

function enhancedOf(text: string, start: number): RecognizedCode {
  // The candidate pattern only admits valid enhanced codes, so parsing cannot fail.
  const parsed = parseEnhancedCode(text) as EnhancedCode;
  return { kind: 'enhanced', code: parsed.text, start, end: start + text.length };
}
