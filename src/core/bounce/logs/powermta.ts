// PowerMTA accounting files: CSV (RFC 4180) whose first line names the columns, the first always "type"; a row per
// recipient and event. Bounces ("b") and remote bounces ("rb": a DSN that came back after the message was handed on)
// are failures, deliveries ("d") close them, transient failures ("t", "tq") are deferrals. Receipts, feedback-loop
// complaints and remote statuses are claimed and passed. PowerMTA's own guess at a bounce's kind (bounceCat) is not
// read: the decision table reads the reply it was guessed from.
import { normalizeAddress } from '../address';
import { enhancedCodeIn, replyCodeIn } from '../classify';
import { clipped } from '../detach';
import type { Outcome } from '../types';
import { HeaderColumns } from './csv';
import { LineSource, LogRecognizer, NOTHING, ParserState, unixTimeText } from './recognizer';

/** Record types by their short and long names (the type column holds either, as the file was configured). */
const OUTCOME: Readonly<Record<string, Outcome | null>> = {
  d: 'delivered', delivery: 'delivered',
  b: 'failed', bounce: 'failed', rb: 'failed', 'remote-bounce': 'failed',
  t: 'deferred', transient: 'deferred', tq: 'deferred', 'transient-queue': 'deferred',
  r: null, receipt: null, f: null, feedback: null, 'feedback-loop': null, rs: null, 'remote-status': null,
};
const MESSAGE_ID = 'header_message-id';
const COLUMNS = ['type', 'timeLogged', 'rcpt', 'dsnStatus', 'dsnDiag', 'dsnMta', MESSAGE_ID];
/** The header: its first column is "type", and it names the recipient's. */
const HEADER = /^type,(?:.*,)?rcpt(?:,|$)/i;
/** A diagnostic's type before its text (RFC 3464's "smtp; 550 …"). */
const DIAGNOSTIC_TYPE = /^\s*[a-z][\w-]*;\s*/i;
/** Seconds since 1970, as PowerMTA writes times unless told otherwise. */
const UNIX_TIME = /^\d{9,11}$/;

/** A row's time as the records' dates read it: seconds since 1970 become ISO 8601 in UTC, any other text is kept. */
function dateOf(text: string): string | undefined {
  return UNIX_TIME.test(text) ? unixTimeText(Number(text)) : text || undefined;
}

export const powermtaRecognizer: LogRecognizer = {
  format: 'powermta',
  create(state: ParserState) {
    const header = new HeaderColumns(state, COLUMNS);
    return (text: string, source: LineSource) => {
      if (HEADER.test(text)) {
        header.read(text.split(','));
        return NOTHING;
      }
      const cell = header.cellsOf(text);
      if (!cell) return undefined;
      const type = cell('type').trim().toLowerCase();
      if (!Object.hasOwn(OUTCOME, type)) return undefined;
      const outcome = OUTCOME[type];
      const address = outcome && normalizeAddress(cell('rcpt'));
      if (!outcome || !address) return NOTHING;
      const diagnostic = clipped(cell('dsnDiag').replace(DIAGNOSTIC_TYPE, '').trim());
      return [{
        address, outcome, status: enhancedCodeIn(cell('dsnStatus')) ?? enhancedCodeIn(diagnostic), reply: replyCodeIn(diagnostic), diagnostic,
        remoteMta: cell('dsnMta').trim() || undefined, date: dateOf(cell('timeLogged').trim()), messageId: cell(MESSAGE_ID).trim() || undefined,
        file: source.file, line: source.line, format: 'powermta',
      }];
    };
  },
};
