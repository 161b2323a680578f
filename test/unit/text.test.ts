// Text helpers of src/core/text.ts that the engine runs on every reply, checked against their plain definitions.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { squeezeSpaces } from '../../src/core/text';

describe('text helpers', () => {
  it('squeezeSpaces makes each run of white space one space, as replacing every run with one would', () => {
    assert.equal(squeezeSpaces('550  5.1.1\t<a@b.example>:\r\n  User unknown '), '550 5.1.1 <a@b.example>: User unknown ');
    const unit = fc.constantFrom(' ', ' ', '\t', '\n', '\r', '\u00a0', '\u2028', '\u3000', '\ufeff', 'a', '5', '.', '\u00e9');
    fc.assert(fc.property(fc.array(unit, { maxLength: 60 }), (units) => {
      const text = units.join('');
      assert.equal(squeezeSpaces(text), text.replace(/\s+/g, ' '));
    }), { seed: 20261203, numRuns: 5_000 });
  });
});
