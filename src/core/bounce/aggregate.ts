// De-duplication: one record per address (failed outbound deliveries only), with a count and first/last seen.
// An address that was delivered after its last failure in the same input is no longer a bounce.
import { DateReader, EventTime, isoText, PendingStamp, settledTime, Stamp } from './eventTime';
import { RecordRuns, RunRow } from './recordRuns';
import { recordLimits } from './sortedRuns';
import { FIRST, InputTable, LAST, PENDING_FIRST, PENDING_LAST, RecordStore, sameTime, SpanSlot, StoredRecord, TimeCode } from './recordStore';
import type { BounceRecord, ClassifiedEvent, ListedRecord } from './types';

const RANK = { none: 0, soft: 1, review: 2, hard: 3 } as const;

/** Bits of the filter of failed addresses: 2^23 (1 MB), so 214,000 failed addresses let through about 2.5 % of the
 * other deliveries (2^20 let through 20 %: once records are in runs, each of those becomes a row). */
const FILTER_BITS = 23;

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

/** The earliest and latest failure of an address: whose instant is known, and the earliest and latest syslog stamps
 * of an input whose year was not decided when they came (they order among themselves, and against the rest once
 * their input has ended). */
interface TimeSpan {
  first?: EventTime;
  last?: EventTime;
  pendingFirst?: PendingStamp;
  pendingLast?: PendingStamp;
}

/** Whether evidence of `type` outranks that of `than`: a hard verdict outranks the others, and review outranks soft.
 * The record of an address's failures is its hardest one, the first of the hardest on a tie. */
export const outranks = (type: ClassifiedEvent['type'], than: ClassifiedEvent['type']): boolean => RANK[type] > RANK[than];

/** Widens the span's known first and last to take `time` in: instants are compared, never the texts. */
export function widen(span: Pick<TimeSpan, 'first' | 'last'>, time: EventTime | undefined): void {
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

const MIN_RUN_ROWS = 256;

/** One address's story as the output needs it, its times decided (every input has ended). */
interface Story {
  readonly key: string;
  count: number;
  lastFailure: number;
  deliveredAt: number;
  readonly priorDelivery: number;
  record?: StoredRecord;
  date?: EventTime;
  first?: EventTime;
  last?: EventTime;
}

/** Collects classified events in input order and yields the de-duplicated records. */
export class BounceAggregator {
  private readonly inputs = new InputTable();
  /** A row per failed address (and, once there are runs, per address delivered to that may have failed in one). */
  private store = new RecordStore(this.inputs);
  /** The rows of earlier parts of the input, past the memory budget (recordRuns.ts). */
  private readonly runs = new RecordRuns();
  private anyFailure = false;
  /** deliveryHash of every failed ASCII address: a delivery whose bit is clear did not fail before. */
  private readonly failedHashes = new Uint32Array(1 << (FILTER_BITS - 5));
  private order = 0;
  /** Rows made for failed addresses so far: a measure of how fast the records grow (logWorkers.ts). */
  rowsMade = 0;

  private mayHaveFailed(hash: number): boolean {
    return hash < 0 || (this.failedHashes[hash >>> 5] & (1 << (hash & 31))) !== 0;
  }

  /** Notes a successful delivery to an address (`hash`: its deliveryHash, when known). */
  delivered(address: string, hash = deliveryHash(address)): void {
    this.order += 1;
    if (!this.anyFailure || !this.mayHaveFailed(hash)) return;
    const key = address.toLowerCase();
    let row = this.store.find(key);
    // Its failures may be in a run: the delivery must reach them at the merge.
    if (row === undefined && this.runs.count > 0) row = this.store.addDelivered(key);
    if (row !== undefined) this.store.delivered(row, this.order);
    this.spillWhenFull();
  }

  /** Counts a delivery known by its deliveryHash when the hash shows its address never failed (true); false when
   * its address must be looked at, by `delivered`. */
  skipsDelivery(hash: number): boolean {
    if (this.anyFailure && this.mayHaveFailed(hash)) return false;
    this.order += 1;
    return true;
  }

  /** Counts a failure, its date read by its input's `dates`; deferrals and inbound rejects are not bounces of the
   * sender's mail. */
  add(event: ClassifiedEvent, dates: DateReader): void {
    this.order += 1;
    if (event.outcome !== 'failed') return;
    this.anyFailure = true;
    const { store } = this;
    const key = event.address.toLowerCase();
    const row = store.find(key);
    const time = dates.read(event.date);
    if (row === undefined) {
      this.rowsMade++;
      store.takeRecord(store.add(event, key, this.order), event, time);
      const hash = deliveryHash(key);
      if (hash >= 0) this.failedHashes[hash >>> 5] |= 1 << (hash & 31);
    } else if (store.count(row) === 0 || closedRow(store, row)) {
      // No failure in this store yet, or a delivery since the last one closed that story: only what follows counts.
      store.restart(row, this.order);
      store.takeRecord(row, event, time);
    } else {
      // From the second failure on the row keeps a span, started by the first one's time (the record's so far).
      const span = store.hasSpan(row) ? spanOf(store, row) : {};
      if (!store.hasSpan(row)) see(span, store.recordTime(row));
      see(span, time);
      keepSpan(store, row, span);
      store.failedAgain(row, this.order);
      // A hard verdict outranks the others, and review outranks soft: keep the hardest evidence as the record's.
      if (outranks(event.type, store.type(row))) store.takeRecord(row, event, time);
    }
    this.spillWhenFull();
  }

  /** Past the memory budget, the store's rows go to a run and it starts empty (never for a few rows: runs are read
   * all at once at the end). */
  private spillWhenFull(): void {
    if (this.store.bytes <= recordLimits.bytes || this.store.rowCount < MIN_RUN_ROWS) return;
    this.runs.write(runRowsOf(this.store));
    this.store = new RecordStore(this.inputs);
  }

  /** Every address's story, in key order: joined across the runs when there are any. */
  private *stories(): Generator<Story> {
    if (this.runs.count === 0) {
      for (const row of runRowsOf(this.store)) if (row.count > 0) yield storyOf(row, this.inputs);
      return;
    }
    for (const group of this.runs.merged(runRowsOf(this.store))) {
      let story: Story | undefined;
      for (const row of group) story = joined(story, row, this.inputs);
      if (story) yield story;
    }
  }

  /** Addresses whose failure was followed by a successful delivery: how many, and the first `kept` of them (a log
   * can hold millions, and a report names twenty). */
  laterDelivered(kept: number): { addresses: string[]; count: number } {
    const addresses: string[] = [];
    let count = 0;
    const note = (address: () => string) => {
      if (count++ < kept) addresses.push(address());
    };
    const { store } = this;
    // Held in the store alone, the closed rows are known by their numbers, without making every record.
    if (this.runs.count === 0) {
      for (const row of store.allRows()) if (store.count(row) > 0 && closedRow(store, row)) note(() => store.address(row));
    } else for (const story of this.stories()) if (closed(story)) note(() => story.record!.address);
    return { addresses, count };
  }

  /**
   * The records sorted by address regardless of case, each made when it is taken (a caller that writes them as they
   * come holds one at a time); only once every input has ended, when the year of every syslog stamp is decided.
   */
  *records(includeSoft: boolean): Generator<BounceRecord> {
    try {
      if (this.runs.count > 0) {
        for (const story of this.stories()) if (!closed(story) && kept(story.record!.type, includeSoft)) yield recordOf(story);
        return;
      }
      for (const row of this.keptRows(includeSoft)) yield recordOf(storyOf(runRowOf(this.store, row), this.inputs));
    } finally {
      this.runs.dispose();
    }
  }

  /**
   * The records as the suppression list (text output) shows them, in the same order: held in the store alone, read
   * from their rows without the dates and texts that making whole records costs (6-8 % of `extract` on the benchmark's
   * log went to them).
   */
  *listed(includeSoft: boolean): Generator<ListedRecord> {
    if (this.runs.count > 0) {
      yield* this.records(includeSoft);
      return;
    }
    try {
      const { store } = this;
      for (const row of this.keptRows(includeSoft)) yield { address: store.address(row), type: listedType(store.type(row)), reason: store.reason(row) };
    } finally {
      this.runs.dispose();
    }
  }

  /** Held in the store alone, the rows of the records to give, in key order: those not kept are passed by their
   * numbers before any record is made (half the failed addresses of a log are soft or deferred, and the hard list
   * does not show them). */
  private keptRows(includeSoft: boolean): Int32Array {
    const { store } = this;
    return rowsByKey(store, (row) => store.count(row) > 0 && !closedRow(store, row) && kept(store.type(row), includeSoft));
  }

  /** Removes what the aggregation wrote to disk, when its records will not be taken (a cancelled extraction). */
  dispose(): void {
    this.runs.dispose();
  }
}

/** Whether a record of `type` is given: hard ones always, the others with soft ones included. */
export const kept = (type: ClassifiedEvent['type'], includeSoft: boolean): boolean => includeSoft || type === 'hard';
/** A record's type as given: an event the policy left without a verdict ('none') is a soft one. */
const listedType = (type: ClassifiedEvent['type']): BounceRecord['type'] => (type === 'none' ? 'soft' : type);

/** A delivery after the last failure closes an address's story: it is not reported. */
const closed = (story: Story) => story.deliveredAt > story.lastFailure;
/** The same of a row held in the store, read by its number. */
const closedRow = (store: RecordStore, row: number) => store.deliveredAt(row) > store.lastFailure(row);

/** The store's rows in order of their keys; only the `wanted` ones, when given (their keys alone are read). */
function rowsByKey(store: RecordStore, wanted?: (row: number) => boolean): Int32Array {
  const rows = Int32Array.from({ length: store.rowCount }, (_, row) => row);
  const kept = wanted ? rows.filter(wanted) : rows;
  const keys = Array.from(kept, (row) => store.key(row));
  return Int32Array.from(keys.keys()).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0)).map((index) => kept[index]);
}

const SPAN_SLOTS: readonly SpanSlot[] = [FIRST, LAST, PENDING_FIRST, PENDING_LAST];

function* runRowsOf(store: RecordStore): Generator<RunRow> {
  for (const row of rowsByKey(store)) yield runRowOf(store, row);
}

function runRowOf(store: RecordStore, row: number): RunRow {
  return {
    key: store.key(row), count: store.count(row), lastFailure: store.lastFailure(row), deliveredAt: store.deliveredAt(row),
    priorDelivery: store.priorDelivery(row), record: store.count(row) > 0 ? store.record(row) : undefined, time: store.timeCode(row, 'record'),
    span: store.hasSpan(row) ? SPAN_SLOTS.map((slot) => store.timeCode(row, slot)) : undefined,
  };
}

/** A story's first and last from its record's time, or from its span from the second failure on. */
function storyTimes(date: EventTime | undefined, span: TimeSpan | undefined): Pick<Story, 'date' | 'first' | 'last'> {
  if (!span) return { date, first: date, last: date };
  settle(span);
  return { date, first: span.first, last: span.last };
}

/** The story a row tells by itself (its times decided: every input has ended). */
function storyOf(row: RunRow, inputs: InputTable): Story {
  const time = (code: TimeCode) => inputs.time(code[0], code[1]);
  const span = row.span && { first: time(row.span[0]) as EventTime | undefined, last: time(row.span[1]) as EventTime | undefined,
    pendingFirst: time(row.span[2]) as PendingStamp | undefined, pendingLast: time(row.span[3]) as PendingStamp | undefined };
  return {
    key: row.key, count: row.count, lastFailure: row.lastFailure, deliveredAt: row.deliveredAt, priorDelivery: row.priorDelivery,
    record: row.record, ...storyTimes(settledTime(time(row.time)), span),
  };
}

/** `row` (of a later part of the input) joined to the story of its address so far. */
function joined(story: Story | undefined, row: RunRow, inputs: InputTable): Story | undefined {
  // An address only delivered to in that part: the delivery may close the story.
  if (row.count === 0) {
    if (story) story.deliveredAt = Math.max(story.deliveredAt, row.deliveredAt);
    return story;
  }
  const later = storyOf(row, inputs);
  // A delivery after the story's last failure (in either part) closed it: the later part starts anew.
  if (!story || closed(story) || row.priorDelivery > story.lastFailure) return later;
  story.count += later.count;
  story.lastFailure = later.lastFailure;
  story.deliveredAt = later.deliveredAt;
  widen(story, later.first);
  widen(story, later.last);
  if (outranks(later.record!.type, story.record!.type)) {
    story.record = later.record;
    story.date = later.date;
  }
  return story;
}

function recordOf(story: Story): BounceRecord {
  const { record, date, first, last } = story;
  const stored = record!;
  // Most records have one failure: its date is their first and last too, and is written once.
  const dateText = date ? isoText(date) : null;
  const textOf = (time: EventTime | undefined) => (time === undefined ? null : sameTime(time, date) ? dateText : isoText(time));
  const firstSeen = textOf(first);
  return {
    address: stored.address, status: stored.status ?? null, reply: stored.reply ?? null, type: listedType(stored.type),
    reason: stored.reason, rule: stored.rule, source: stored.source ?? 'log', diagnostic: stored.diagnostic, remoteMta: stored.remoteMta ?? null,
    date: dateText, messageId: stored.messageId ?? null, file: stored.file, line: stored.line, count: story.count,
    firstSeen, lastSeen: sameTime(last, first) ? firstSeen : textOf(last),
    yearInferred: [date, first, last].some((time) => time?.yearInferred === true),
  };
}
