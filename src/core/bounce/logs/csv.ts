// CSV logs whose columns a header line names: Exchange's message tracking logs ("#Fields:") and PowerMTA's
// accounting files (a first line that starts with "type,").
import { ENTRY_CHARS, ParserState, PendingMap } from './recognizer';

/**
 * Splits one CSV line (RFC 4180 quoting, doubled quotes). Runs between quotes and commas are sliced, not added a
 * character at a time: a 4 MB cell built so held a rope of four million pieces (300 MB). The next comma and the next
 * quote are looked for again only once passed: looked for at every field, a line of 400,000 commas and no quote took
 * 0.8 s (its end was searched for a quote 400,000 times), and 4 MB of them over a minute.
 */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let pieces: string[] = [];
  let quoted = false;
  let from = 0;
  // -1: none left; below the position read: to be looked for.
  let comma = -2;
  let quote = -2;
  for (let at = 0; at <= line.length;) {
    if (quote !== -1 && quote < at) quote = line.indexOf('"', at);
    if (quoted) {
      if (quote < 0) {
        // An unclosed quote runs to the end of the line.
        pieces.push(line.slice(at));
        cells.push(pieces.join(''));
        break;
      }
      pieces.push(line.slice(at, quote));
      if (line[quote + 1] === '"') {
        pieces.push('"');
        at = quote + 2;
      } else {
        quoted = false;
        at = from = quote + 1;
      }
      continue;
    }
    if (comma !== -1 && comma < at) comma = line.indexOf(',', at);
    const end = comma < 0 ? line.length : comma;
    if (quote >= 0 && quote < end) {
      pieces.push(line.slice(from, quote));
      quoted = true;
      at = quote + 1;
      continue;
    }
    pieces.push(line.slice(from, end));
    cells.push(pieces.join(''));
    pieces = [];
    at = from = end + 1;
  }
  return cells;
}

/**
 * The columns of the last header line read, kept as parser state like any other, so that a worker that starts in the
 * middle of a log does not read rows by columns it has not seen. Every row depends on them, and a row's date is a
 * cell, not a stamp the line starts with: a range that needed the columns of an earlier one is read again whole.
 */
export class HeaderColumns {
  private readonly header: PendingMap<Map<string, number>>;

  /** `wanted`: the columns the recognizer reads. */
  constructor(state: ParserState, private readonly wanted: readonly string[]) {
    this.header = state.map<Map<string, number>>({ rangeWide: true });
  }

  /** Notes a header line's column names. Only the columns read are kept (a header line may hold thousands), each at
   * its last place; names are matched regardless of case. */
  read(names: readonly string[]): void {
    const lower = names.map((name) => name.trim().toLowerCase());
    this.header.set('columns', new Map(this.wanted.map((name) => [name, lower.lastIndexOf(name.toLowerCase())])), ENTRY_CHARS);
  }

  /** A row's cells by column name ('' for a column absent from the header or the row), or undefined before any
   * header. */
  cellsOf(text: string): ((name: string) => string) | undefined {
    const columns = this.header.get('columns');
    if (!columns) return undefined;
    const cells = splitCsvLine(text);
    return (name) => cells[columns.get(name) ?? -1] ?? '';
  }
}
