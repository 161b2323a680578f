// De-duplication: one record per address (failed outbound deliveries only), with a count and first/last seen.
// An address that was delivered after its last failure in the same input is no longer a bounce.
import { DateReader, EventTime, isoText, PendingStamp, Stamp } from './eventTime';
import { FIRST, LAST, PENDING_FIRST, PENDING_LAST, RecordStore, sameTime } from './recordStore';
import type { BounceRecord, ClassifiedEvent } from './types';

const RANK = { none: 0, soft: 1, review: 2, hard: 3 } as const;

/** Bits of the filter of failed addresses: 2^20 (128 KB), so 50,000 failed addresses let through about 5 % of
 * the other deliveries. */
const FILTER_BITS = 20;

/**
 * A hash of an ASCII address that does not change when it is lower-cased, or -1 when the address holds anything
 * else (lower-casing could then change its length or make ASCII of it, as the Kelvin sign becomes "k"). Deliveries
 * are most of a log, and looking each up in the map of failed addresses cost more than reading its line: a filter
 * of these hashes answers most of them first (a worker computes them, so the thread that merges does not).
 */
export function deliveryHash(address: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < address.length; index++) {
    const code = address.charCodeAt(index);
    if (code > 0x7f) return -1;
    // ASCII upper-case letters hash as their lower-case ones.
    hash = Math.imul(hash ^ (code >= 0x41 && code <= 0x5a ? code | 0x20 : code), 0x01000193);
  }
  return (hash ^ (hash >>> FILTER_BITS)) & ((1 << FILTER_BITS) - 1);
}

const settledTime = (time: Stamp | undefined): EventTime | undefined => (time instanceof PendingStamp ? time.resolve() : time);

/** The earliest and latest failure of an address: whose instant is known, and the earliest and latest syslog stamps
 * of an input whose year was not decided when they came (they order among themselves, and against the rest once
 * their input has ended). */
interface TimeSpan {
  first?: EventTime;
  last?: EventTime;
  pendingFirst?: PendingStamp;
  pendingLast?: PendingStamp;
}

/** Widens the span's known first and last to take `time` in: instants are compared, never the texts. */
function widen(span: TimeSpan, time: EventTime | undefined): void {
  if (time === undefined) return;
  if (span.first === undefined || time.instant < span.first.instant) span.first = time;
  if (span.last === undefined || time.instant >= span.last.instant) span.last = time;
}

/** Moves the pending first and last into the known ones; only once their input has ended. */
function settle(span: TimeSpan): void {
  if (!span.pendingFirst || !span.pendingLast) return;
  widen(span, span.pendingFirst.resolve());
  widen(span, span.pendingLast.resolve());
  span.pendingFirst = span.pendingLast = undefined;
}

/** Takes the time of one more failure into the span's first and last. */
function see(span: TimeSpan, time: Stamp | undefined): void {
  if (!(time instanceof PendingStamp) || time.dates.ended) {
    widen(span, settledTime(time));
    return;
  }
  // Stamps of an earlier input are decided by now, and do not order against this input's.
  if (span.pendingFirst && span.pendingFirst.dates !== time.dates) settle(span);
  if (span.pendingFirst === undefined || time.order < span.pendingFirst.order) span.pendingFirst = time;
  if (span.pendingLast === undefined || time.order >= span.pendingLast.order) span.pendingLast = time;
}

/** The row's span as the store keeps it. */
function spanOf(store: RecordStore, row: number): TimeSpan {
  return {
    first: store.spanTime(row, FIRST) as EventTime | undefined, last: store.spanTime(row, LAST) as EventTime | undefined,
    pendingFirst: store.spanTime(row, PENDING_FIRST) as PendingStamp | undefined, pendingLast: store.spanTime(row, PENDING_LAST) as PendingStamp | undefined,
  };
}

function keepSpan(store: RecordStore, row: number, span: TimeSpan): void {
  store.setSpanTime(row, FIRST, span.first);
  store.setSpanTime(row, LAST, span.last);
  store.setSpanTime(row, PENDING_FIRST, span.pendingFirst);
  store.setSpanTime(row, PENDING_LAST, span.pendingLast);
}

/** Collects classified events in input order and yields the de-duplicated records. */
export class BounceAggregator {
  /** A row per failed address. */
  private readonly store = new RecordStore();
  /** deliveryHash of every failed ASCII address: a delivery whose bit is clear did not fail before. */
  private readonly failedHashes = new Uint32Array(1 << (FILTER_BITS - 5));
  private order = 0;

  private mayHaveFailed(hash: number): boolean {
    return hash < 0 || (this.failedHashes[hash >>> 5] & (1 << (hash & 31))) !== 0;
  }

  /** Notes a successful delivery to an address (`hash`: its deliveryHash, when known). */
  delivered(address: string, hash = deliveryHash(address)): void {
    this.order += 1;
    if (this.store.rowCount === 0 || !this.mayHaveFailed(hash)) return;
    const row = this.store.find(address.toLowerCase());
    if (row !== undefined) this.store.delivered(row, this.order);
  }

  /** Counts a delivery known by its deliveryHash when the hash shows its address never failed (true); false when
   * its address must be looked at, by `delivered`. */
  skipsDelivery(hash: number): boolean {
    if (this.store.rowCount !== 0 && this.mayHaveFailed(hash)) return false;
    this.order += 1;
    return true;
  }

  private closed(row: number): boolean {
    return this.store.deliveredAt(row) > this.store.lastFailure(row);
  }

  /** Counts a failure, its date read by its input's `dates`; deferrals and inbound rejects are not bounces of the
   * sender's mail. */
  add(event: ClassifiedEvent, dates: DateReader): void {
    this.order += 1;
    if (event.outcome !== 'failed') return;
    const { store } = this;
    const key = event.address.toLowerCase();
    const row = store.find(key);
    const time = dates.read(event.date);
    if (row === undefined) {
      store.takeRecord(store.add(event, key, this.order), event, time);
      const hash = deliveryHash(key);
      if (hash >= 0) this.failedHashes[hash >>> 5] |= 1 << (hash & 31);
      return;
    }
    // A delivery since the last failure closed that story: the address worked, so only what follows counts.
    if (this.closed(row)) {
      store.restart(row, this.order);
      store.takeRecord(row, event, time);
      return;
    }
    // From the second failure on the row keeps a span, started by the first one's time (the record's so far).
    const span = store.hasSpan(row) ? spanOf(store, row) : {};
    if (!store.hasSpan(row)) see(span, store.recordTime(row));
    see(span, time);
    keepSpan(store, row, span);
    store.failedAgain(row, this.order);
    // A hard verdict outranks the others, and review outranks soft: keep the hardest evidence as the record's.
    if (RANK[event.type] > RANK[store.type(row)]) store.takeRecord(row, event, time);
  }

  /** Addresses whose failure was followed by a successful delivery. */
  laterDelivered(): string[] {
    return [...this.store.allRows()].filter((row) => this.closed(row)).map((row) => this.store.address(row));
  }

  /**
   * The records sorted by address, each made when it is taken (a caller that writes them as they come holds one at a
   * time); only once every input has ended, when the year of every syslog stamp is decided.
   */
  *records(): Generator<BounceRecord> {
    const rows: number[] = [];
    const addresses: string[] = [];
    for (const row of this.store.allRows()) {
      if (this.closed(row)) continue;
      rows.push(row);
      addresses.push(this.store.address(row));
    }
    // Positions sorted in a typed array: no object per record while they are written.
    const order = Int32Array.from(rows.keys()).sort((a, b) => (addresses[a] < addresses[b] ? -1 : addresses[a] > addresses[b] ? 1 : 0));
    for (const position of order) yield recordOf(this.store, rows[position]);
  }
}

function recordOf(store: RecordStore, row: number): BounceRecord {
  const stored = store.record(row);
  const date = settledTime(store.recordTime(row));
  let [first, last] = [date, date];
  if (store.hasSpan(row)) {
    const span = spanOf(store, row);
    settle(span);
    [first, last] = [span.first, span.last];
  }
  // Most records have one failure: its date is their first and last too, and is written once.
  const dateText = date ? isoText(date) : null;
  const textOf = (time: EventTime | undefined) => (time === undefined ? null : sameTime(time, date) ? dateText : isoText(time));
  const firstSeen = textOf(first);
  return {
    address: stored.address, status: stored.status ?? null, reply: stored.reply ?? null, type: stored.type === 'none' ? 'soft' : stored.type,
    reason: stored.reason, rule: stored.rule, source: stored.source ?? 'log', diagnostic: stored.diagnostic, remoteMta: stored.remoteMta ?? null,
    date: dateText, messageId: stored.messageId ?? null, file: stored.file, line: stored.line, count: store.count(row),
    firstSeen, lastSeen: sameTime(last, first) ? firstSeen : textOf(last),
    yearInferred: [date, first, last].some((time) => time?.yearInferred === true),
  };
}
