// Exim mainlog: "**" delivery failed, "==" deferred, "=>" / "->" / "*>" delivered, each with the message ID.
// The failure text follows " : " (or ": " right after the address) and holds the remote server's reply. When
// a host refuses a whole message ("H=… SMTP error from remote mail server after MAIL FROM: 550 …" on its own
// line), a later "**" line of the same message ID without a code of its own is joined to that reply.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn, smtpStageIn } from '../classify';
import { detach } from '../detach';
import type { Outcome } from '../types';
import { LineSource, LogRecognizer, NOTHING } from './recognizer';

const LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})?) (?:\[\d+\] )?([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) (?:(\*\*|==|=>|->|\*>) )?(.*)$/;
const HOST = / H=(\S+(?: \[[^\]]+\])?)/;
const HOST_ERROR = /^H=(\S+(?: \[[^\]]+\])?)[^:]*: (SMTP error from remote mail server .*)$/;
/** Host errors kept per message ID, bounded so a log of messages that never fail cannot grow memory. */
const MAX_PENDING = 50_000;
const OUTCOME: Readonly<Record<string, Outcome>> = { '**': 'failed', '==': 'deferred', '=>': 'delivered', '->': 'delivered', '*>': 'delivered' };

/** Splits "addr <parent> R=… T=… : text" into its address and the failure text. */
function splitRest(rest: string): { recipient: string; parent?: string; text: string } {
  const recipient = /^(\S+?):?(?:\s|$)/.exec(rest)?.[1] ?? '';
  const parent = /^\S+ <([^>]+)>/.exec(rest)?.[1];
  const separator = rest.indexOf(' : ');
  const text = separator >= 0 ? rest.slice(separator + 3) : rest.slice(recipient.length).replace(/^:\s*/, '');
  return { recipient, parent, text: text.trim() };
}

export const eximRecognizer: LogRecognizer = {
  format: 'exim',
  create() {
    const hostErrors = new Map<string, { host: string; text: string; line: number }>();
    return (line: string, source: LineSource) => {
      const match = LINE.exec(line);
      if (!match) return undefined;
      const [, date, messageId, flag, rest] = match;
      // Other lines of a message (arrival, events, "Completed") are Exim's too: no other format may take them.
      if (!flag) {
        const hostError = rest.startsWith('H=') ? HOST_ERROR.exec(rest) : null;
        if (hostError) {
          if (hostErrors.size >= MAX_PENDING) hostErrors.delete(hostErrors.keys().next().value as string);
          hostErrors.set(detach(messageId), { host: detach(hostError[1]), text: detach(hostError[2]), line: source.line });
        } else if (rest === 'Completed') hostErrors.delete(messageId);
        return NOTHING;
      }
      const { recipient, text } = splitRest(rest);
      // Pipe and file deliveries ("|command", "/path") name no mailbox of their own.
      const address = normalizeAddress(recipient);
      if (!address) return NOTHING;
      let diagnostic = flag === '**' || flag === '==' ? text : '';
      let remoteMta = HOST.exec(rest)?.[1];
      const earlier = diagnostic && !/\b[45]\d\d\b/.test(diagnostic) ? hostErrors.get(messageId) : undefined;
      if (earlier) {
        diagnostic = `${diagnostic}; line ${earlier.line}: ${earlier.text}`;
        remoteMta ??= earlier.host;
      }
      return [{
        address, outcome: OUTCOME[flag], status: enhancedCodeIn(diagnostic), reply: replyCodeIn(diagnostic.replace(/^.*?: (?=[245]\d\d\b)/, '')),
        diagnostic, remoteMta, date, messageId, file: source.file, line: source.line, format: 'exim', stage: smtpStageIn(diagnostic),
      }];
    };
  },
};
