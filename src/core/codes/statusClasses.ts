// Where the codes of each status class sit on some lines: what the editor paints in our class colours and marks
// in the overview ruler. The codes are the hover's own (findCodes), so what gets a colour is what gets a card.
import { findCodes } from './recognize';

export type StatusClassName = 'failure' | 'deferral' | 'success';
export const STATUS_CLASS_NAMES: readonly StatusClassName[] = ['failure', 'deferral', 'success'];

/** Columns read of a line: VS Code stops tokenizing there too (editor.maxTokenizationLineLength), and a line of
 * megabytes must not cost a scroll its length. */
export const SCANNED_COLUMNS = 20_000;

/** Lines decorated above and below the visible ones, so a short scroll shows coloured codes before the next
 * update arrives. */
export const DECORATED_MARGIN_LINES = 40;

export interface CodeSpan {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

/** The class of a code by its first digit (RFC 5321 §4.2.1, RFC 3463 §3.1). */
function classOf(code: string): StatusClassName | undefined {
  return code[0] === '5' ? 'failure' : code[0] === '4' ? 'deferral' : code[0] === '2' ? 'success' : undefined;
}

/** The codes on `text` (line number `line`), each reply and enhanced code a span of its own class. */
export function codeSpansOfLine(text: string, line: number, into: Record<StatusClassName, CodeSpan[]>): void {
  for (const mention of findCodes(text.length > SCANNED_COLUMNS ? text.slice(0, SCANNED_COLUMNS) : text)) {
    for (const code of [mention.reply, mention.enhanced]) {
      const statusClass = code && classOf(code.code);
      if (code && statusClass) into[statusClass].push({ line, start: code.start, end: code.end });
    }
  }
}

/** The code spans of lines `first`…`last` (inclusive) of a document, by class. */
export function codeSpansOfLines(lineAt: (line: number) => string, first: number, last: number): Record<StatusClassName, CodeSpan[]> {
  const spans: Record<StatusClassName, CodeSpan[]> = { failure: [], deferral: [], success: [] };
  for (let line = first; line <= last; line++) codeSpansOfLine(lineAt(line), line, spans);
  return spans;
}

/** What every failure or deferral code starts with (a reply or an enhanced code): lines without it (most deliveries
 * and connections) skip the recognizer. */
const MAYBE_FAILURE = /[45](?:[0-5]\d|\.\d)/;

/** Lines that hold a failure code, and lines that hold a deferral code but no failure one: the overview ruler's
 * marks. */
export function failureLines(lineAt: (line: number) => string, lineCount: number): { failure: number[]; deferral: number[] } {
  const marks = { failure: [] as number[], deferral: [] as number[] };
  const spans: Record<StatusClassName, CodeSpan[]> = { failure: [], deferral: [], success: [] };
  for (let line = 0; line < lineCount; line++) {
    const text = lineAt(line);
    if (!MAYBE_FAILURE.test(text.length > SCANNED_COLUMNS ? text.slice(0, SCANNED_COLUMNS) : text)) continue;
    // Every class is emptied: success spans kept across lines would grow with the document and serve nothing.
    for (const name of STATUS_CLASS_NAMES) spans[name].length = 0;
    codeSpansOfLine(text, line, spans);
    if (spans.failure.length > 0) marks.failure.push(line);
    else if (spans.deferral.length > 0) marks.deferral.push(line);
  }
  return marks;
}
