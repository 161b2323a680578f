// Courier: courieresmtpd's "error,relay=…,from=<…>,to=<…>: 550 …" lines, each an incoming RCPT TO this server
// refused (not a bounce of the log owner's mail). Its authentication failures ("msg=…,cmd: …") name no recipient.
import { normalizeAddress } from '../address';
import { enhancedCodeIn } from '../classify';
import { clipped } from '../detach';
import { LineSource, LogRecognizer, NOTHING, syslogDate } from './recognizer';

const TAG = /courieresmtpd(?:\[\d+\])?: error,relay=/;
// Tried once, after the first tag: from each tag of a line, it took time in the cube of the line's length. An
// address in angle brackets holds none, so each "from=<" is scanned only up to the next one; "." takes line
// separators too, so "(.*)$" cannot fail and send the lazy run of fields on to the end again.
const REJECT = /([^,]*),(?:[\w-]+=[^,]*,)*?from=<[^<>]*>,to=<([^<>]*)>: (\d{3})[ -](.*)$/sy;

export const courierRecognizer: LogRecognizer = {
  format: 'courier',
  create() {
    return (text: string, source: LineSource) => {
      if (!text.includes('courieresmtpd')) return undefined;
      const tag = TAG.exec(text);
      if (!tag) return NOTHING;
      REJECT.lastIndex = tag.index + tag[0].length;
      const match = REJECT.exec(text);
      if (!match) return NOTHING;
      const [, client, rawAddress, reply, said] = match;
      const diagnostic = clipped(said);
      const address = normalizeAddress(rawAddress);
      if (!address) return NOTHING;
      return [{
        address, outcome: 'rejected-inbound', status: enhancedCodeIn(diagnostic), reply, diagnostic: `${reply} ${diagnostic}`,
        remoteMta: client.replace(/^::ffff:/, ''), date: syslogDate(text), file: source.file, line: source.line, format: 'courier',
      }];
    };
  },
};
