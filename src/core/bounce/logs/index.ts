// All log recognizers, most specific first: the generic transcript recognizer only sees lines no MTA claimed.
import { boundedEvents } from '../detach';
import type { BounceEvent } from '../types';
import { courierRecognizer } from './courier';
import { eximRecognizer } from './exim';
import { exchangeRecognizer } from './exchange';
import { genericRecognizer } from './generic';
import { kumomtaRecognizer } from './kumomta';
import { opensmtpdRecognizer } from './opensmtpd';
import { postfixRecognizer } from './postfix';
import { powermtaRecognizer } from './powermta';
import { qmailRecognizer } from './qmail';
import { LineSource, ParserState, StateJournal } from './recognizer';
import { sendmailRecognizer } from './sendmail';

const RECOGNIZERS = [postfixRecognizer, eximRecognizer, sendmailRecognizer, qmailRecognizer, opensmtpdRecognizer, courierRecognizer, exchangeRecognizer, powermtaRecognizer, kumomtaRecognizer, genericRecognizer];

/** A parser for one log file: feed it every line in order. Its events' texts are bounded (detach.ts), whatever a
 * line holds. `state` holds what it keeps between lines (journaled in a worker, see logScan.ts). */
export interface LogParser {
  (text: string, source: LineSource): BounceEvent[];
  readonly state: ParserState;
}

export function createLogParser(journal?: StateJournal): LogParser {
  const state = new ParserState(journal);
  const parsers = RECOGNIZERS.map((recognizer) => recognizer.create(state));
  const parse = (text: string, source: LineSource) => {
    for (const parse of parsers) {
      const events = parse(text, source);
      if (events) return boundedEvents(events);
    }
    return [];
  };
  return Object.assign(parse, { state });
}
