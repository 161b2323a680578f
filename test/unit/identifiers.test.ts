// Identifiers in a server's reply (src/core/bounce/identifiers.ts): which runs are data, checked against the rule
// written as a regular expression, over texts made of the characters that sit at a run's edges.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { maskIdentifiers } from '../../src/core/bounce/identifiers';

/** The rule as a pattern: a run of ASCII letters and digits, ten or more, holding a digit, bounded on both sides. */
const IDENTIFIER_RULE = /(?<![A-Za-z0-9])(?=[A-Za-z0-9]{10})[A-Za-z]*\d[A-Za-z0-9]*/g;

describe('identifiers in a reply', () => {
  it('masks runs of ten or more letters and digits that hold a digit, and nothing else', () => {
    assert.equal(maskIdentifiers('550 5.1.1 NoSuchUser a640c23a62f3a-ab7b4cb3c48si1234567ejc.123 - gsmtp', 'ID'), '550 5.1.1 NoSuchUser ID-ID.123 - gsmtp');
    assert.equal(maskIdentifiers('OverQuotaTemp MAILBOX_QUOTA_EXCEEDED_42 port 25 123456789', 'ID'), 'OverQuotaTemp MAILBOX_QUOTA_EXCEEDED_42 port 25 123456789');
    assert.equal(maskIdentifiers('1234567890', '…'), '…');
    assert.equal(maskIdentifiers('[AM0PR01MB1234.eurprd01.prod.exchangelabs.com]', '…'), '[….eurprd01.prod.exchangelabs.com]');
    // Letters outside ASCII end a run, as any other character does.
    assert.equal(maskIdentifiers('éabcdefghi1é', 'ID'), 'éIDé');
  });

  it('gives what the rule written as a pattern gives, on any text', () => {
    const unit = fc.constantFrom('a', 'Z', 'q', '0', '7', '9', '-', '.', ' ', '_', '@', 'é', '\u00aa', '\ud800', '\udc00', '\ud83d\ude00', '/', ':');
    fc.assert(fc.property(fc.array(unit, { maxLength: 80 }), fc.constantFrom('ID', '…', ''), (units, mask) => {
      const text = units.join('');
      assert.equal(maskIdentifiers(text, mask), text.replace(IDENTIFIER_RULE, mask));
    }), { seed: 20261203, numRuns: 5_000 });
  });
});
