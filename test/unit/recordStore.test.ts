// The aggregation's store (src/core/bounce/recordStore.ts): texts and numbers kept outside the collected heap must
// come back exactly as they went in, and each address must be found again by its lower case.
import * as assert from 'node:assert/strict';
import { InputDates, PendingStamp } from '../../src/core/bounce/eventTime';
import { FIRST, LAST, RecordStore } from '../../src/core/bounce/recordStore';
import type { ClassifiedEvent } from '../../src/core/bounce/types';

const event = (address: string, extra: Partial<ClassifiedEvent> = {}): ClassifiedEvent => ({
  address, outcome: 'failed', diagnostic: `550 5.1.1 <${address}>: unknown`, file: 'maillog', line: 7, format: 'postfix',
  type: 'hard', reason: 'user-unknown', rule: 'address-gone', ...extra,
});

describe('record store', () => {
  it('gives back every field as it was written: Latin-1, other scripts, a lone surrogate, the address in its diagnostic', () => {
    const store = new RecordStore();
    const cases = [
      event('a@b.example', { status: '5.1.1', reply: '550', remoteMta: 'mx.b.example[192.0.2.1]', messageId: '3F2A1B9C0D', source: 'dsn' }),
      event('José@exämple.de', { diagnostic: '550 Benutzer unbekannt: José@exämple.de — 用户不存在' }),
      event('x@y.example', { diagnostic: 'half a pair \ud800 here, and x@y.example twice: x@y.example' }),
      event('m@n.example', { diagnostic: 'a mark \uffff of our own, then m@n.example' }),
      event('q@r.example', { diagnostic: 'names nobody', status: undefined, reply: undefined, remoteMta: undefined, messageId: undefined }),
    ];
    const rows = cases.map((written, index) => {
      const row = store.add(written, written.address.toLowerCase(), index + 1);
      store.takeRecord(row, written, undefined);
      return row;
    });
    rows.forEach((row, index) => {
      const written = cases[index];
      const read = store.record(row);
      for (const field of ['address', 'status', 'reply', 'type', 'reason', 'rule', 'source', 'diagnostic', 'remoteMta', 'messageId', 'file', 'line'] as const) {
        assert.equal(read[field], written[field], `${field} of ${written.address}`);
      }
    });
  });

  it('finds 50,000 addresses by their lower case, and no other', () => {
    const store = new RecordStore();
    const addresses = Array.from({ length: 50_000 }, (_, i) => `User${i}@Example${i % 7}.org`);
    addresses.forEach((address, index) => store.add(event(address), address.toLowerCase(), index + 1));
    assert.equal(store.rowCount, addresses.length);
    addresses.forEach((address, index) => assert.equal(store.find(address.toLowerCase()), index));
    assert.equal(store.find('user50000@example0.org'), undefined);
    assert.equal(store.find('User1@Example1.org'), undefined, 'the key is the lower case');
    assert.equal(store.address(12), 'User12@Example5.org');
  });

  it('keeps known instants and pending syslog stamps of each input', () => {
    const store = new RecordStore();
    const dates = new InputDates({ year: 2025 });
    const pending = dates.read('Mar  4 05:06:07') as PendingStamp;
    const row = store.add(event('a@b.example'), 'a@b.example', 1);
    store.takeRecord(row, event('a@b.example'), pending);
    store.setSpanTime(row, FIRST, { instant: Date.UTC(2024, 0, 2), zoned: true, yearInferred: false });
    store.setSpanTime(row, LAST, pending);
    dates.end();
    const kept = store.recordTime(row) as PendingStamp;
    assert.equal(kept.order, pending.order);
    assert.deepEqual(kept.resolve(), pending.resolve());
    assert.deepEqual(store.spanTime(row, FIRST), { instant: Date.UTC(2024, 0, 2), zoned: true, yearInferred: false });
    assert.equal((store.spanTime(row, LAST) as PendingStamp).resolve()?.instant, Date.UTC(2025, 2, 4, 5, 6, 7));
  });
});
