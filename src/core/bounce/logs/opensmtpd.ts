// OpenSMTPD: "mta delivery evpid=… from=<…> to=<…> … result=\"PermFail\" stat=\"550 5.1.1 …\"".
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import type { Outcome } from '../types';
import { LineSource, LogRecognizer, syslogDate } from './recognizer';

const LINE = /smtpd\[\d+\]: \S+ (?:mta|smtp) delivery evpid=(\S+) .*?\bto=<([^>]*)>.*? result="(\w+)" stat="?(.*?)"?$/;
const RELAY = /relay="([^"]*)"/;
const OUTCOME: Readonly<Record<string, Outcome>> = { Ok: 'delivered', TempFail: 'deferred', PermFail: 'failed', Loop: 'failed' };

export const opensmtpdRecognizer: LogRecognizer = {
  format: 'opensmtpd',
  create() {
    return (text: string, source: LineSource) => {
      if (!text.includes('evpid=')) return undefined;
      const match = LINE.exec(text);
      if (!match) return undefined;
      const [, evpid, rawAddress, result, stat] = match;
      const address = normalizeAddress(rawAddress);
      if (!address || !OUTCOME[result]) return [];
      return [{
        address, outcome: OUTCOME[result], status: enhancedCodeIn(stat), reply: replyCodeIn(stat), diagnostic: stat,
        remoteMta: RELAY.exec(text)?.[1], date: syslogDate(text), messageId: evpid, file: source.file, line: source.line, format: 'opensmtpd',
      }];
    };
  },
};
