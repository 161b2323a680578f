// Courier: courieresmtpd's "error,relay=…,from=<…>,to=<…>: 550 …" lines, each an incoming RCPT TO this server
// refused (not a bounce of the log owner's mail). Its authentication failures ("msg=…,cmd: …") name no recipient.
import { normalizeAddress } from '../address';
import { enhancedCodeIn } from '../classify';
import { LineSource, LogRecognizer, NOTHING, syslogDate } from './recognizer';

const REJECT = /courieresmtpd(?:\[\d+\])?: error,relay=([^,]*),(?:[\w-]+=[^,]*,)*?from=<[^>]*>,to=<([^>]*)>: (\d{3})[ -](.*)$/;

export const courierRecognizer: LogRecognizer = {
  format: 'courier',
  create() {
    return (text: string, source: LineSource) => {
      if (!text.includes('courieresmtpd')) return undefined;
      const match = REJECT.exec(text);
      if (!match) return NOTHING;
      const [, client, rawAddress, reply, diagnostic] = match;
      const address = normalizeAddress(rawAddress);
      if (!address) return NOTHING;
      return [{
        address, outcome: 'rejected-inbound', status: enhancedCodeIn(diagnostic), reply, diagnostic: `${reply} ${diagnostic}`,
        remoteMta: client.replace(/^::ffff:/, ''), date: syslogDate(text), file: source.file, line: source.line, format: 'courier',
      }];
    };
  },
};
