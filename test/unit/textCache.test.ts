// The bounded cache of texts (src/core/bounce/textCache.ts) behind the classifier's verdicts, the record store's shared
// texts and the report's patterns: what it keeps, from when, and how much.
import * as assert from 'node:assert/strict';
import { TextCache } from '../../src/core/bounce/textCache';

describe('text cache', () => {
  it('keys a value by text and short key, without joining them', () => {
    const cache = new TextCache<number>({ texts: 10, chars: 1_000 });
    cache.set('550 user unknown', 1, 'failed|5.1.1');
    cache.set('550 user unknown', 2, 'failed|5.2.2');
    assert.deepEqual([cache.get('550 user unknown', 'failed|5.1.1'), cache.get('550 user unknown', 'failed|5.2.2'), cache.get('550 user unknown')], [1, 2, undefined]);
    assert.equal(cache.get('550 user unknownfailed|5.1.1'), undefined);
  });

  it('starts afresh past its texts or its characters', () => {
    const byCount = new TextCache<number>({ texts: 3, chars: 1_000 });
    for (const [index, text] of ['a1', 'a2', 'a3', 'a4'].entries()) byCount.set(text, index);
    assert.deepEqual(['a1', 'a2', 'a3', 'a4'].map((text) => byCount.get(text)), [undefined, undefined, undefined, 3]);
    const byChars = new TextCache<number>({ texts: 100, chars: 25 });
    byChars.set('x'.repeat(20), 1);
    byChars.set('y'.repeat(10), 2);
    assert.deepEqual([byChars.get('x'.repeat(20)), byChars.get('y'.repeat(10))], [undefined, 2]);
  });

  it('with recent slots, keeps a text from its second time on', () => {
    const cache = new TextCache<number>({ texts: 100, chars: 10_000, recentSlots: 1 << 10 });
    cache.set('550 5.1.1 NoSuchUser a640c23a62f3a-ab7b4cb3c48si1234567ejc.1 - gsmtp', 1);
    assert.equal(cache.get('550 5.1.1 NoSuchUser a640c23a62f3a-ab7b4cb3c48si1234567ejc.1 - gsmtp'), undefined);
    cache.set('550 5.1.1 NoSuchUser a640c23a62f3a-ab7b4cb3c48si1234567ejc.1 - gsmtp', 1);
    assert.equal(cache.get('550 5.1.1 NoSuchUser a640c23a62f3a-ab7b4cb3c48si1234567ejc.1 - gsmtp'), 1);
  });

  it('stores the key its caller copies', () => {
    const cache = new TextCache<number>({ texts: 10, chars: 1_000 });
    cache.set('a long reply read from a chunk', 7, '', () => 'the copy');
    assert.deepEqual([cache.get('the copy'), cache.get('a long reply read from a chunk')], [7, undefined]);
  });
});
