// SMTP transcript lines that no MTA-specific recognizer claimed: a 5xx/4xx reply that names one recipient, e.g.
// "<<< 550 5.1.1 <a@b>... User unknown" or "RCPT TO:<a@b> 550 5.1.1 unknown user". The reply code must open the
// line (after transcript markers) or follow the RCPT TO command, so codes inside prose are not taken.
import { ADDRESS_IN_TEXT, normalizeAddress } from '../address';
import { enhancedCodeIn } from '../classify';
import { clipped } from '../detach';
import { LineSource, LogRecognizer, syslogDate } from './recognizer';

// The space after a transcript marker is matched only after one: two optional runs of spaces side by side took
// time in the square of the run's length on a line of spaces (10 s for 100,000). "." takes line separators too, so
// "(.*)$" cannot fail and send the search on; an address in angle brackets holds none, so each "RCPT TO:<" without
// its ">" is scanned only up to the next one.
const REPLY_FIRST = /^\s*(?:(?:<<<|>>>|<-|->|\d{3}-)\s*)?([45]\d\d)[ -](.*)$/s;
const AFTER_RCPT = /RCPT TO:?\s*<([^<>]+)>[^0-9]{0,40}?\b([45]\d\d)[ -](.*)$/is;

export const genericRecognizer: LogRecognizer = {
  format: 'generic',
  create() {
    return (text: string, source: LineSource) => {
      const rcpt = AFTER_RCPT.exec(text);
      const first = rcpt ? undefined : REPLY_FIRST.exec(text);
      const reply = rcpt?.[2] ?? first?.[1];
      const diagnostic = clipped(rcpt ? `${rcpt[2]} ${rcpt[3]}` : first ? `${first[1]} ${first[2]}` : '');
      const candidates = rcpt ? [rcpt[1]] : first ? first[2].match(ADDRESS_IN_TEXT) ?? [] : [];
      const address = new Set(candidates.map((candidate) => normalizeAddress(candidate)).filter(Boolean));
      if (!reply || address.size !== 1) return undefined;
      return [{
        address: [...address][0]!, outcome: reply.startsWith('5') ? 'failed' : 'deferred', status: enhancedCodeIn(diagnostic), reply,
        diagnostic: diagnostic.trim(), date: syslogDate(text), file: source.file, line: source.line, format: 'generic',
      }];
    };
  },
};
