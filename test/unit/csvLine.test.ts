// The CSV line splitter of Exchange's message tracking logs and PowerMTA's accounting files
// (src/core/bounce/logs/csv.ts), checked against the rule read one character at a time.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitCsvLine } from '../../src/core/bounce/logs/csv';

/** RFC 4180 cells, read a character at a time: a quote opens or closes quoting, a doubled one inside is a quote, and a
 * comma outside quoting ends a cell; an unclosed quote runs to the end of the line. */
function cellsByCharacter(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let at = 0; at < line.length; at++) {
    const char = line[at];
    if (quoted && char === '"' && line[at + 1] === '"') {
      cell += '"';
      at++;
    } else if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

describe('Exchange CSV lines', () => {
  it('splits as the rule read a character at a time does', () => {
    assert.deepEqual(splitCsvLine('a,"b,c","d""e",,"f'), ['a', 'b,c', 'd"e', '', 'f']);
    const unit = fc.constantFrom(',', ',', '"', '""', 'a', 'b c', ';', '550 5.1.1', '\u00e9');
    fc.assert(fc.property(fc.array(unit, { maxLength: 40 }), (units) => {
      const line = units.join('');
      assert.deepEqual(splitCsvLine(line), cellsByCharacter(line));
    }), { seed: 20261203, numRuns: 5_000 });
  });
});
