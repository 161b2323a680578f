// Exim mainlog: "**" delivery failed, "==" deferred, "=>" / "->" / "*>" delivered, each with the message ID.
// The failure text follows " : " (or ": " right after the address) and holds the remote server's reply.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import type { Outcome } from '../types';
import { LineSource, LogRecognizer, NOTHING } from './recognizer';

const LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})?) (?:\[\d+\] )?([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) (?:(\*\*|==|=>|->|\*>) )?(.*)$/;
const HOST = / H=(\S+(?: \[[^\]]+\])?)/;
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
    return (line: string, source: LineSource) => {
      const match = LINE.exec(line);
      if (!match) return undefined;
      const [, date, messageId, flag, rest] = match;
      // Other lines of a message (arrival, events, "Completed") are Exim's too: no other format may take them.
      if (!flag) return NOTHING;
      const { recipient, text } = splitRest(rest);
      // Pipe and file deliveries ("|command", "/path") name no mailbox of their own.
      const address = normalizeAddress(recipient);
      if (!address) return NOTHING;
      const diagnostic = flag === '**' || flag === '==' ? text : '';
      return [{
        address, outcome: OUTCOME[flag], status: enhancedCodeIn(diagnostic), reply: replyCodeIn(diagnostic.replace(/^.*?: (?=[245]\d\d\b)/, '')),
        diagnostic, remoteMta: HOST.exec(rest)?.[1], date, messageId, file: source.file, line: source.line, format: 'exim',
      }];
    };
  },
};
