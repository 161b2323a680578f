// De-duplication: one record per address (failed outbound deliveries only), with a count and first/last seen.
// An address that was delivered after its last failure in the same input is no longer a bounce.
import { detach, detachEvent } from './detach';
import { EventTime, InputDates, isoText, PendingStamp, Stamp } from './eventTime';
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
  /** Order of the last failure, compared with the order of the last delivery. */
  lastFailure: number;
}

const RANK = { none: 0, soft: 1, review: 2, hard: 3 } as const;

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
  private readonly deliveredAt = new Map<string, number>();
  private order = 0;

  /** Notes a successful delivery to an address. */
  delivered(address: string): void {
    this.order += 1;
    if (this.failures.size === 0) return;
    const key = address.toLowerCase();
    if (!this.failures.has(key)) return;
    // An existing key stays the one stored, so only a new one needs the (costly) copy out of its chunk.
    this.deliveredAt.set(this.deliveredAt.has(key) ? key : detach(key), this.order);
  }

  /** Counts a failure, its date read by its input's `dates`; deferrals and inbound rejects are not bounces of the
   * sender's mail. */
  add(event: ClassifiedEvent, dates: InputDates): void {
    this.order += 1;
    if (event.outcome !== 'failed') return;
    const key = event.address.toLowerCase();
    const entry = this.failures.get(key);
    const time = dates.read(event.date);
    // A delivery since the last failure closed that story: the address worked, so only what follows counts.
    if (!entry || (this.deliveredAt.get(key) ?? 0) > entry.lastFailure) {
      const fresh: Entry = { record: detachEvent(event), recordTime: time, count: 1, lastFailure: this.order };
      see(fresh, time);
      this.failures.set(detach(key), fresh);
      return;
    }
    entry.count += 1;
    see(entry, time);
    entry.lastFailure = this.order;
    // A hard verdict outranks the others, and review outranks soft: keep the hardest evidence as the record's.
    if (RANK[event.type] > RANK[entry.record.type]) {
      entry.record = detachEvent(event);
      entry.recordTime = time;
    }
  }

  /** Addresses whose failure was followed by a successful delivery. */
  laterDelivered(): string[] {
    return [...this.failures].filter(([key, entry]) => (this.deliveredAt.get(key) ?? 0) > entry.lastFailure).map(([, entry]) => entry.record.address);
  }

  /** The records; only once every input has ended, when the year of every syslog stamp is decided. */
  records(): BounceRecord[] {
    const records: BounceRecord[] = [];
    for (const [key, entry] of this.failures) {
      if ((this.deliveredAt.get(key) ?? 0) > entry.lastFailure) continue;
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
