// Exim mainlog: "**" delivery failed, "==" deferred, "=>" / "->" / "*>" delivered, each with the message ID.
// The failure text follows " : " (or ": " right after the address) and holds the remote server's reply. When
// a host refuses a whole message ("H=… SMTP error from remote mail server after MAIL FROM: 550 …" on its own
// line), a later "**" line of the same message ID without a code of its own is joined to that reply. Lines
// Exim sent to syslog carry a syslog prefix up to "exim[pid]: ", and its own time stamp only if syslog_timestamp
// is on. RCPT TO commands Exim refused ("H=… F=<…> rejected RCPT <a>: …") are other servers' mail, refused here.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn, smtpStageIn } from '../classify';
import { clipped, detach } from '../detach';
import type { BounceEvent, Outcome } from '../types';
import { EXIM_HOST, eximMessageLine } from './lineShapes';
import { ENTRY_CHARS, LineSource, LogRecognizer, NOTHING, ParserState, syslogDate } from './recognizer';

// "." takes line separators too (a line may hold U+2028): "(.*)$" then cannot fail, which made the search try every
// earlier " rejected RCPT" again.
const REJECTED_RCPT = /^(?:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\S* )?(?:[+-]\d{4} )?(?:\[\d+\] )?(?:.* )?(?:temporarily )?rejected RCPT <?([^\s<>]+?)>?: (.*)$/s;
const HOST = EXIM_HOST;
// Bounded: the host and the text after it overlap, and on a long token without the error text the search took
// time in the square of its length. A host name has at most 253 characters.
const HOST_ERROR = /^H=(\S{1,255}(?: \[[^\]]{1,64}\])?)[^:]{0,255}: (SMTP error from remote mail server .*)$/;
const OUTCOME: Readonly<Record<string, Outcome>> = { '**': 'failed', '==': 'deferred', '=>': 'delivered', '->': 'delivered', '*>': 'delivered' };

/** One of the fields Exim writes between the address and the failure text: R=router, T=transport, H=host [ip]:port,
 * X=cipher, CV=yes, DN="…". Group 1 is the colon that ends the run of fields, when this field is the last. */
const FIELD = /\s*[A-Z][A-Za-z]*=(?:"[^"]*"|\S*?)(?: \[[^\]]*\](?::\d+)?\*?)?(:?)(?=\s|$)/y;

/** The failure text after Exim's fields ("R=dnslookup T=remote_smtp H=mx [192.0.2.1] CV=yes: SMTP error …"), so
 * a record shows the remote server's words; the text unchanged when it does not start with fields. */
function withoutFields(text: string): string {
  FIELD.lastIndex = 0;
  for (let field = FIELD.exec(text); field; field = FIELD.exec(text)) {
    if (field[1]) return text.slice(FIELD.lastIndex).trim();
  }
  return text;
}

/** Splits "addr <parent> R=… T=… : text" (older Exim) or "addr <parent> R=… H=…: text" into its address and the
 * failure text. */
function splitRest(rest: string): { recipient: string; text: string } {
  // A quoted local part may hold spaces: "john smith"@example.com.
  const recipient = /^("[^"]*"@[^\s:]+|\S+?):?(?:\s|$)/.exec(rest)?.[1] ?? '';
  const separator = rest.indexOf(' : ');
  if (separator >= 0) return { recipient, text: rest.slice(separator + 3).trim() };
  const afterAddress = rest.slice(recipient.length).replace(/^:\s*/, '').replace(/^\s*<[^>]*>:?/, '').trim();
  return { recipient, text: withoutFields(afterAddress) };
}

/** An incoming RCPT TO that Exim refused: recognized for the report, never a bounce of the log owner's mail. */
function rejectedRcpt(body: string, line: string, source: LineSource): BounceEvent[] | undefined {
  const match = REJECTED_RCPT.exec(body);
  const address = match ? normalizeAddress(match[2]) : undefined;
  if (!match || !address) return undefined;
  const diagnostic = clipped(match[3]);
  return [{
    address, outcome: 'rejected-inbound', status: enhancedCodeIn(diagnostic), reply: replyCodeIn(diagnostic, true), diagnostic,
    remoteMta: HOST.exec(` ${body}`)?.[1], date: match[1] ?? syslogDate(line), file: source.file, line: source.line, format: 'exim',
  }];
}

export const eximRecognizer: LogRecognizer = {
  format: 'exim',
  create(state: ParserState) {
    /** Host errors by message ID, bounded so a log of messages that never fail cannot grow memory. */
    const hostErrors = state.map<{ host: string; text: string; line: number }>();
    return (line: string, source: LineSource) => {
      const { message, body } = eximMessageLine(line);
      if (!message) return body.includes('rejected RCPT') ? rejectedRcpt(body, line, source) : undefined;
      const { messageId, flag, rest } = message;
      const date = message.syslog ? message.date ?? syslogDate(line) : message.date;
      // Other lines of a message (arrival, events, "Completed") are Exim's too: no other format may take them.
      if (!flag) {
        const hostError = rest.startsWith('H=') ? HOST_ERROR.exec(rest) : null;
        if (hostError) {
          const host = detach(hostError[1]);
          const text = detach(clipped(hostError[2]));
          hostErrors.set(messageId, { host, text, line: source.line }, ENTRY_CHARS + host.length + text.length);
        } else if (rest === 'Completed') hostErrors.delete(messageId);
        return NOTHING;
      }
      const { recipient, text } = splitRest(rest);
      // Pipe and file deliveries ("|command", "/path") name no mailbox of their own.
      const address = normalizeAddress(recipient);
      if (!address) return NOTHING;
      let diagnostic = flag === '**' || flag === '==' ? clipped(text) : '';
      let remoteMta = HOST.exec(rest)?.[1];
      const earlier = diagnostic && !/\b[45]\d\d\b/.test(diagnostic) ? hostErrors.get(messageId) : undefined;
      if (earlier) {
        diagnostic = clipped(`${diagnostic}; line ${earlier.line}: ${earlier.text}`);
        remoteMta ??= earlier.host;
      }
      return [{
        address, outcome: OUTCOME[flag], status: enhancedCodeIn(diagnostic), reply: replyCodeIn(diagnostic.replace(/^.*?: (?=[245]\d\d\b)/, '')),
        diagnostic, remoteMta, date, messageId, file: source.file, line: source.line, format: 'exim', stage: smtpStageIn(diagnostic),
      }];
    };
  },
};
