// OpenSMTPD: "mta delivery evpid=… from=<…> to=<…> … result=\"PermFail\" stat=\"550 5.1.1 …\"".
//
// Read in steps, each scanning the line once: the first delivery tag, its first "to=<…>", then the first result after
// it. One pattern with two lazy runs, tried from every "smtpd[", took time in the cube of the line's length.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import { clipped } from '../detach';
import type { Outcome } from '../types';
import { LineSource, LogRecognizer, syslogDate } from './recognizer';

const DELIVERY = /smtpd\[\d+\]: \S+ (?:mta|smtp) delivery evpid=(\S+) /;
/** An address in angle brackets holds none, so a "to=<" without its ">" is scanned only up to the next one. */
const RECIPIENT = /\bto=<([^<>]*)>/g;
const RESULT = / result="(\w+)" stat="?(.*?)"?$/sg;
const RELAY = /relay="([^"]*)"/;
const OUTCOME: Readonly<Record<string, Outcome>> = { Ok: 'delivered', TempFail: 'deferred', PermFail: 'failed', Loop: 'failed' };

/** `pattern` (global) searched from `from`, or null. */
function execFrom(pattern: RegExp, text: string, from: number): RegExpExecArray | null {
  pattern.lastIndex = from;
  return pattern.exec(text);
}

export const opensmtpdRecognizer: LogRecognizer = {
  format: 'opensmtpd',
  create() {
    return (text: string, source: LineSource) => {
      if (!text.includes('evpid=')) return undefined;
      const delivery = DELIVERY.exec(text);
      const recipient = delivery ? execFrom(RECIPIENT, text, delivery.index + delivery[0].length) : null;
      const result = recipient ? execFrom(RESULT, text, RECIPIENT.lastIndex) : null;
      if (!delivery || !recipient || !result) return undefined;
      const address = normalizeAddress(recipient[1]);
      const outcome = Object.hasOwn(OUTCOME, result[1]) ? OUTCOME[result[1]] : undefined;
      if (!address || !outcome) return [];
      const stat = clipped(result[2]);
      return [{
        address, outcome, status: enhancedCodeIn(stat), reply: replyCodeIn(stat), diagnostic: stat,
        remoteMta: RELAY.exec(text)?.[1], date: syslogDate(text), messageId: delivery[1], file: source.file, line: source.line, format: 'opensmtpd',
      }];
    };
  },
};
