// All log recognizers, most specific first: the generic transcript recognizer only sees lines no MTA claimed.
import { boundedEvents } from '../detach';
import type { BounceEvent } from '../types';
import { courierRecognizer } from './courier';
import { eximRecognizer } from './exim';
import { exchangeRecognizer } from './exchange';
import { genericRecognizer } from './generic';
import { opensmtpdRecognizer } from './opensmtpd';
import { postfixRecognizer } from './postfix';
import { qmailRecognizer } from './qmail';
import type { LineSource } from './recognizer';
import { sendmailRecognizer } from './sendmail';

const RECOGNIZERS = [postfixRecognizer, eximRecognizer, sendmailRecognizer, qmailRecognizer, opensmtpdRecognizer, courierRecognizer, exchangeRecognizer, genericRecognizer];

/** A parser for one log file: feed it every line in order. Its events' texts are bounded (detach.ts), whatever a
 * line holds. */
export function createLogParser(): (text: string, source: LineSource) => BounceEvent[] {
  const parsers = RECOGNIZERS.map((recognizer) => recognizer.create());
  return (text, source) => {
    for (const parse of parsers) {
      const events = parse(text, source);
      if (events) return boundedEvents(events);
    }
    return [];
  };
}
