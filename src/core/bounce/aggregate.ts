// De-duplication: one record per address (failed outbound deliveries only), with a count and first/last seen.
// An address that was delivered after its last failure in the same input is no longer a bounce.
import { detach, detachEvent } from './detach';
import { DateReader, EventTime, isoText, PendingStamp, Stamp } from './eventTime';
import type { BounceRecord, ClassifiedEvent } from './types';

interface Entry {
  record: ClassifiedEvent;
  /** When the record's event happened. */
  recordTime?: Stamp;
  count: number;
  /** The earliest and latest failure whose instant is known. */
  first?: EventTime;
  last?: EventTime;
  /** The earliest and latest syslog stamps of an input whose year was not decided when they came: they order among
   * themselves, and against the rest once their input has ended. */
  pendingFirst?: PendingStamp;
  pendingLast?: PendingStamp;
  /** Order of the last failure, compared with the order of the last delivery since (0: none). */
  lastFailure: number;
  deliveredAt: number;
}

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

/** Widens the entry's known first and last to take `time` in: instants are compared, never the texts. */
function widen(entry: Entry, time: EventTime | undefined): void {
  if (time === undefined) return;
  if (entry.first === undefined || time.instant < entry.first.instant) entry.first = time;
  if (entry.last === undefined || time.instant >= entry.last.instant) entry.last = time;
}

/** Moves the pending first and last into the known ones; only once their input has ended. */
function settle(entry: Entry): void {
  if (!entry.pendingFirst || !entry.pendingLast) return;
  widen(entry, entry.pendingFirst.resolve());
  widen(entry, entry.pendingLast.resolve());
  entry.pendingFirst = entry.pendingLast = undefined;
}

/** Takes the time of one more failure into the entry's first and last. */
function see(entry: Entry, time: Stamp | undefined): void {
  if (!(time instanceof PendingStamp) || time.dates.ended) {
    widen(entry, settledTime(time));
    return;
  }
  // Stamps of an earlier input are decided by now, and do not order against this input's.
  if (entry.pendingFirst && entry.pendingFirst.dates !== time.dates) settle(entry);
  if (entry.pendingFirst === undefined || time.order < entry.pendingFirst.order) entry.pendingFirst = time;
  if (entry.pendingLast === undefined || time.order >= entry.pendingLast.order) entry.pendingLast = time;
}

/** Collects classified events in input order and yields the de-duplicated records. */
export class BounceAggregator {
  private readonly failures = new Map<string, Entry>();
  /** deliveryHash of every failed ASCII address: a delivery whose bit is clear did not fail before. */
  private readonly failedHashes = new Uint32Array(1 << (FILTER_BITS - 5));
  private order = 0;

  private mayHaveFailed(hash: number): boolean {
    return hash < 0 || (this.failedHashes[hash >>> 5] & (1 << (hash & 31))) !== 0;
  }

  /** Notes a successful delivery to an address (`hash`: its deliveryHash, when known). */
  delivered(address: string, hash = deliveryHash(address)): void {
    this.order += 1;
    if (this.failures.size === 0 || !this.mayHaveFailed(hash)) return;
    const entry = this.failures.get(address.toLowerCase());
    if (entry) entry.deliveredAt = this.order;
  }

  /** Counts a delivery known by its deliveryHash when the hash shows its address never failed (true); false when
   * its address must be looked at, by `delivered`. */
  skipsDelivery(hash: number): boolean {
    if (this.failures.size !== 0 && this.mayHaveFailed(hash)) return false;
    this.order += 1;
    return true;
  }

  /** Counts a failure, its date read by its input's `dates`; deferrals and inbound rejects are not bounces of the
   * sender's mail. `fresh`: the event's strings share no memory with the input (a worker's, parsed from JSON), so
   * they are kept without a copy. */
  add(event: ClassifiedEvent, dates: DateReader, fresh = false): void {
    this.order += 1;
    if (event.outcome !== 'failed') return;
    const key = event.address.toLowerCase();
    const entry = this.failures.get(key);
    const time = dates.read(event.date);
    // A delivery since the last failure closed that story: the address worked, so only what follows counts.
    if (!entry || entry.deliveredAt > entry.lastFailure) {
      const started: Entry = { record: fresh ? event : detachEvent(event), recordTime: time, count: 1, lastFailure: this.order, deliveredAt: 0 };
      see(started, time);
      if (entry) this.failures.set(key, started);
      else {
        this.failures.set(fresh ? key : detach(key), started);
        const hash = deliveryHash(key);
        if (hash >= 0) this.failedHashes[hash >>> 5] |= 1 << (hash & 31);
      }
      return;
    }
    entry.count += 1;
    see(entry, time);
    entry.lastFailure = this.order;
    // A hard verdict outranks the others, and review outranks soft: keep the hardest evidence as the record's.
    if (RANK[event.type] > RANK[entry.record.type]) {
      entry.record = fresh ? event : detachEvent(event);
      entry.recordTime = time;
    }
  }

  /** Addresses whose failure was followed by a successful delivery. */
  laterDelivered(): string[] {
    return [...this.failures.values()].filter((entry) => entry.deliveredAt > entry.lastFailure).map((entry) => entry.record.address);
  }

  /** The records; only once every input has ended, when the year of every syslog stamp is decided. */
  records(): BounceRecord[] {
    const records: BounceRecord[] = [];
    for (const entry of this.failures.values()) {
      if (entry.deliveredAt > entry.lastFailure) continue;
      settle(entry);
      const event = entry.record;
      const date = settledTime(entry.recordTime);
      // Most records have one failure: its date is their first and last too, and is written once.
      const dateText = date ? isoText(date) : null;
      const textOf = (time: EventTime | undefined) => (time === undefined ? null : time === date ? dateText : isoText(time));
      const firstSeen = textOf(entry.first);
      records.push({
        address: event.address, status: event.status ?? null, reply: event.reply ?? null, type: event.type === 'none' ? 'soft' : event.type,
        reason: event.reason, rule: event.rule, source: event.source ?? 'log', diagnostic: event.diagnostic, remoteMta: event.remoteMta ?? null,
        date: dateText, messageId: event.messageId ?? null, file: event.file, line: event.line, count: entry.count,
        firstSeen, lastSeen: entry.last === entry.first ? firstSeen : textOf(entry.last),
        yearInferred: [date, entry.first, entry.last].some((time) => time?.yearInferred === true),
      });
    }
    return records.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }
}
