// A byte range of a log read on its own (by a worker, logWorkers.ts), and the ranges merged back in order.
//
// A worker numbers its lines as the whole file does (the merging thread counts the lines before each range) but
// starts with empty parser state. It keeps its range's events and notes in a journal every key of state each line
// touched (queue IDs, message IDs, delivery numbers, Exchange's columns), with where the line lies in the file. The
// merging thread takes the ranges in order. A key that the lines before the range left in the state is a conflict:
// the range's lines that touched it are read again here, with the real state, and their events replace the worker's;
// the state the worker left under other keys joins this thread's, in the order the lines added it. Bounds of the state
// (MAX_PENDING) could have made the real reading forget entries the worker kept: then the range is read again here
// whole. Either way the result is what reading from the first line gives, byte for byte.
import { readSync } from 'node:fs';
import type { BouncePolicy } from '../knowledge/types';
import { deliveryHash } from './aggregate';
import { DateReader, DatesObserved, InputDates } from './eventTime';
import { detach } from './detach';
import { fnv1a } from './hash';
import { decodeLogText } from './input';
import { LogLineSplitter } from './logLines';
import { createLogParser, LogParser } from './logs';
import { MAX_PENDING, MAX_PENDING_CHARS, StateJournal } from './logs/recognizer';
import { addCounts, EventClassifier, EventTaker, eventReader, OutcomeCounts } from './run';
import type { BounceEvent, ClassifiedEvent } from './types';

const BLOCK_BYTES = 1 << 19;
/** A worker sends what it read every so many bytes: strings it kept longer would keep the 64 KB pieces they were cut
 * from alive, and the young generation's collections would copy them over and over. Small batches also stay out of
 * the merging thread's large-object space, which only a full collection empties (1 MB batches: a log of nothing but
 * failures took 30-35 s on two threads, 24-25 s now). */
const BATCH_BYTES = 1 << 16;

/** A byte range of a log file that starts at a line start and ends after a line break (or at the file's end). */
export interface LogRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Reads bytes [start, end) of an open file in blocks through a splitter (`end` Infinity: up to the end of the file,
 * however long it has grown). `positions.offset` follows the file offset of the buffer the splitter scans, for a
 * handler that asks where a line lies.
 */
export class RangeReader {
  private buffer = Buffer.allocUnsafe(2 * BLOCK_BYTES);
  private kept = 0;
  private position: number;
  private ended = false;
  /** Bytes read so far. */
  done = 0;

  constructor(private readonly fd: number, private readonly range: LogRange, private readonly splitter: LogLineSplitter, readonly positions = { offset: 0 }) {
    this.position = range.start;
    positions.offset = range.start;
  }

  /** Reads and scans one block; false once the range is read. */
  step(): boolean {
    const { range, splitter } = this;
    if (this.ended || this.position >= range.end) return false;
    // An unfinished line stays in the buffer (up to MAX_LINE_BYTES, after which the splitter passes it on in pieces).
    if (this.buffer.length - this.kept < BLOCK_BYTES) {
      const grown = Buffer.allocUnsafe(2 * this.buffer.length);
      this.buffer.copy(grown, 0, 0, this.kept);
      this.buffer = grown;
    }
    const read = readSync(this.fd, this.buffer, this.kept, Math.min(BLOCK_BYTES, range.end - this.position), this.position);
    if (read === 0) {
      // The file ends here (it got shorter since its size was taken, or the range runs to its end).
      if (this.kept > 0) splitter.scan(this.buffer, 0, this.kept, true);
      this.kept = 0;
      this.ended = true;
      return false;
    }
    this.position += read;
    this.done += read;
    const filled = this.kept + read;
    const consumed = splitter.scan(this.buffer, 0, filled, this.position >= range.end);
    this.buffer.copyWithin(0, consumed, filled);
    this.kept = filled - consumed;
    this.positions.offset += consumed;
    return true;
  }

}

/** Reads a range through a splitter at once; `afterBlock` is called after each block. */
export function readRange(fd: number, range: LogRange, splitter: LogLineSplitter, positions = { offset: 0 }, afterBlock?: () => void): void {
  const reader = new RangeReader(fd, range, splitter, positions);
  while (reader.step()) afterBlock?.();
}

/** Reads bytes [start, end) of a file as one line (or piece of a long line) of the splitter's. */
export function readLine(fd: number, start: number, end: number): string {
  const bytes = Buffer.allocUnsafe(end - start);
  let done = 0;
  while (done < bytes.length) {
    const read = readSync(fd, bytes, done, bytes.length - done, start + done);
    if (read === 0) break;
    done += read;
  }
  return decodeLogText(bytes, 0, done);
}

/** Numbers appended one by one into a typed array that grows. */
class NumberList<T extends Float64Array | Int32Array> {
  private array: T;
  length = 0;

  constructor(private readonly make: (size: number) => T) {
    this.array = make(64);
  }

  push(value: number): void {
    if (this.length === this.array.length) {
      const grown = this.make(2 * this.array.length);
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = value;
  }

  /** The numbers so far, as an array of their own; the list starts again. */
  take(): T {
    const taken = this.array.slice(0, this.length) as T;
    this.length = 0;
    return taken;
  }
}
const floats = () => new NumberList((size) => new Float64Array(size));
const ints = () => new NumberList((size) => new Int32Array(size));

/**
 * The fields of an event as a worker sends them: its texts end to end in one string, with each one's length (-1 for
 * undefined), and its line. Joined, they keep no piece of the input alive, cost the merging thread's collections
 * nothing while they wait, and are sliced again in less time than JSON takes to parse them (a batch's events as one
 * JSON text spent a tenth of both threads' time in JSON). The event's file is the range's.
 */
const TEXT_FIELDS = ['address', 'outcome', 'status', 'reply', 'diagnostic', 'remoteMta', 'date', 'messageId', 'format', 'stage', 'source', 'type', 'reason', 'rule'] as const;

/** Events written as texts and lengths. */
class EventList {
  private texts: string[] = [];
  readonly lengths = ints();
  readonly lines = floats();
  count = 0;

  push(event: ClassifiedEvent): void {
    for (const field of TEXT_FIELDS) {
      const value = event[field];
      if (value === undefined) this.lengths.push(-1);
      else {
        this.texts.push(value);
        this.lengths.push(value.length);
      }
    }
    this.lines.push(event.line);
    this.count++;
  }

  take(): RangeBatch['events'] {
    const taken = { text: this.texts.join(''), lengths: this.lengths.take(), lines: this.lines.take() };
    this.texts = [];
    this.count = 0;
    return taken;
  }
}

/** The names an event's fields take (a few dozen), each once; bounded all the same. */
const NAMES = new Map<string, string>();
const MAX_NAMES = 1024;

/** Reads the events of a batch back, one by one. */
class EventReader {
  private at = 0;
  private field = 0;

  constructor(private readonly events: RangeBatch['events'], private readonly file: string) {}

  private next(): string | undefined {
    const length = this.events.lengths[this.field++];
    if (length < 0) return undefined;
    this.at += length;
    return this.events.text.slice(this.at - length, this.at);
  }

  /** The next field, one of a few names (outcome, format, stage, source, verdict): the one string of that name, not
   * a piece of the batch's text, which a piece kept in a record would keep alive whole. */
  private nextName(): string | undefined {
    const text = this.next();
    if (text === undefined) return undefined;
    const known = NAMES.get(text);
    if (known !== undefined) return known;
    const copy = detach(text);
    if (NAMES.size < MAX_NAMES) NAMES.set(copy, copy);
    return copy;
  }

  /** The event `index`: events are read in order, or passed over (`skip`). */
  read(index: number): ClassifiedEvent {
    // Spelled out, field by field in TEXT_FIELDS' order, for the shape classify gives events.
    return {
      address: this.next()!, outcome: this.nextName() as ClassifiedEvent['outcome'], status: this.next(), reply: this.next(), diagnostic: this.next()!,
      remoteMta: this.next(), date: this.next(), messageId: this.next(), file: this.file, line: this.events.lines[index],
      format: this.nextName()!, stage: this.nextName() as ClassifiedEvent['stage'], source: this.nextName() as ClassifiedEvent['source'],
      type: this.nextName() as ClassifiedEvent['type'], reason: this.nextName() as ClassifiedEvent['reason'], rule: this.nextName() as ClassifiedEvent['rule'],
    };
  }

  /** Passes over the next event unread. */
  skip(): void {
    for (let field = 0; field < TEXT_FIELDS.length; field++) this.at += Math.max(0, this.events.lengths[this.field++]);
  }
}

const KEY_FILTER_BITS = 20;
/**
 * A hash of a key of state. The merging thread reads again every line that touched a key with the hash of a key its
 * state holds: all lines of such a key, so a key that only shares the hash is read again whole, from the same empty
 * state the worker had, with the same result (and the worker's state for it is dropped).
 */
function keyHash(key: string): number {
  const hash = fnv1a(key);
  return (hash ^ (hash >>> KEY_FILTER_BITS)) & ((1 << KEY_FILTER_BITS) - 1);
}

/**
 * What a worker sends for each megabyte or so of its range. Events to hand on (failures; every event for a
 * listener) and deliveries known by their address alone (no listener), each with the position of its line among the
 * range's lines (and pieces of long lines); the lines that touched state, and the keys they touched. Typed arrays are
 * moved, not copied.
 */
export interface RangeBatch {
  readonly index: number;
  readonly events: { readonly text: string; readonly lengths: Int32Array; readonly lines: Float64Array };
  readonly eventPositions: Float64Array;
  /** Per event, the roll-overs of the year its range's dates had seen when it was read (InputDates.rollOversSoFar). */
  readonly eventRollOvers: Int32Array;
  /** The addresses end to end (joined, they keep no piece of the input alive), and where each ends. */
  readonly deliveryText: string;
  readonly deliveryEnds: Int32Array;
  readonly deliveryHashes: Int32Array;
  readonly deliveryPositions: Float64Array;
  /** The lines that touched state: position, number, roll-overs, bytes in the file, and SPAN numbers each: their
   * events and deliveries in this batch (from, to), and their events' counts (failed, deferred, delivered,
   * rejected). */
  readonly touched: {
    readonly positions: Float64Array;
    readonly lines: Float64Array;
    readonly rollOvers: Int32Array;
    readonly starts: Float64Array;
    readonly ends: Float64Array;
    readonly spans: Int32Array;
  };
  /** Each key a line touched: the line (an index into `touched`), the state map, and the key's keyHash. */
  readonly touches: { readonly lines: Int32Array; readonly maps: Int32Array; readonly hashes: Int32Array };
}
const SPAN = 8;

/** What a worker sends once its range is read. */
export interface RangeEnd {
  readonly index: number;
  readonly lines: number;
  readonly counts: OutcomeCounts;
  /** What the range's stamps told of the year (InputDates.absorb). */
  readonly dates: DatesObserved;
  /** Per state map: what the worker's state held at the end (key, value, characters, position of the line that
   * added it), and the most it held at once. */
  readonly survivors: [string, unknown, number, number][][];
  readonly peaks: { entries: number; chars: number }[];
}

export type RangeMessage = { batch: RangeBatch } | { end: RangeEnd };

/** The typed arrays of a batch, to move them to the merging thread. */
export function transferablesOf(batch: RangeBatch): ArrayBuffer[] {
  const { touched, touches } = batch;
  return [
    batch.events.lengths, batch.events.lines, batch.eventPositions, batch.eventRollOvers, batch.deliveryEnds, batch.deliveryHashes, batch.deliveryPositions,
    touched.positions, touched.lines, touched.rollOvers, touched.starts, touched.ends, touched.spans,
    touches.lines, touches.maps, touches.hashes,
  ].map((array) => array.buffer as ArrayBuffer);
}

/** A worker's journal: which keys of state each line touched, for one batch at a time. */
class RangeJournal implements StateJournal {
  position = 0;
  /** Index of the line being read among those that touched state in this batch, -1 until it touches. */
  private current = -1;
  private lastMap = -1;
  private lastHash = -1;
  readonly touched = {
    positions: floats(), lines: floats(), rollOvers: ints(), starts: floats(), ends: floats(), spans: ints(),
  };
  readonly touches = { lines: ints(), maps: ints(), hashes: ints() };

  begin(position: number): void {
    this.position = position;
    this.current = -1;
  }

  get touchedState(): boolean {
    return this.current >= 0;
  }

  touch(map: number, key: string): void {
    const hash = keyHash(key);
    if (this.current < 0) {
      this.current = this.touched.positions.length;
      this.touched.positions.push(this.position);
    } else if (map === this.lastMap && hash === this.lastHash) return;
    this.lastMap = map;
    this.lastHash = hash;
    this.touches.lines.push(this.current);
    this.touches.maps.push(map);
    this.touches.hashes.push(hash);
  }

  /** Where the line that touched state lies, and what its events became. */
  record(line: number, rollOvers: number, start: number, end: number, ...span: number[]): void {
    this.touched.lines.push(line);
    this.touched.rollOvers.push(rollOvers);
    this.touched.starts.push(start);
    this.touched.ends.push(end);
    for (const value of span) this.touched.spans.push(value);
  }

  take(): RangeBatch['touched'] & { touches: RangeBatch['touches'] } {
    const { touched, touches } = this;
    return {
      positions: touched.positions.take(), lines: touched.lines.take(), rollOvers: touched.rollOvers.take(), starts: touched.starts.take(),
      ends: touched.ends.take(), spans: touched.spans.take(),
      touches: { lines: touches.lines.take(), maps: touches.maps.take(), hashes: touches.hashes.take() },
    };
  }
}

/** What a worker needs to read one range. */
export interface RangeTask {
  readonly index: number;
  readonly fd: number;
  /** The input's name, as events name their file. */
  readonly name: string;
  readonly range: LogRange;
  /** Lines of the file before the range. */
  readonly linesBefore: number;
  readonly policy?: BouncePolicy;
  readonly listening: boolean;
}

/** Reads one range with fresh, journaled state (in a worker), sending batches as it goes and its end. */
export function scanRange(task: RangeTask, send: (message: RangeMessage, transfer: ArrayBuffer[]) => void): void {
  const journal = new RangeJournal();
  const parse = createLogParser(journal);
  const classifier = new EventClassifier(task.policy, task.listening);
  // Only roll-overs of the year are counted here: the merging thread dates the events (the reference is unused).
  const dates = new InputDates({ reference: 0 });
  const events = new EventList();
  const eventPositions = floats();
  const eventRollOvers = ints();
  let deliveries: string[] = [];
  let deliveryLength = 0;
  const deliveryEnds = ints();
  const deliveryHashes = ints();
  const deliveryPositions = floats();
  const source = { file: task.name, line: 0 };
  const positions = { offset: 0 };
  let position = 0;
  let sent = task.range.start;
  const splitter: LogLineSplitter = new LogLineSplitter((text, line) => {
    source.line = task.linesBefore + line;
    journal.begin(position);
    const eventsFrom = events.count;
    const deliveriesFrom = deliveries.length;
    dates.observeLine(text);
    const lineEvents = parse(text, source);
    let failed = 0;
    let deferred = 0;
    let delivered = 0;
    for (let index = 0; index < lineEvents.length; index++) {
      const event = lineEvents[index];
      if (event.outcome === 'failed') failed++;
      else if (event.outcome === 'deferred') deferred++;
      else if (event.outcome === 'delivered') delivered++;
      const classified = classifier.classified(event);
      if (classified) {
        // As the aggregator does when it takes the event: its date is noted (a log line's own stamp, noted already).
        if (classified.outcome !== 'delivered') dates.read(classified.date);
        events.push(classified);
        eventPositions.push(position);
        eventRollOvers.push(dates.rollOversSoFar);
      } else if (event.outcome === 'delivered') {
        deliveries.push(event.address);
        deliveryLength += event.address.length;
        deliveryEnds.push(deliveryLength);
        deliveryHashes.push(deliveryHash(event.address));
        deliveryPositions.push(position);
      }
    }
    if (journal.touchedState) {
      const [start, end] = splitter.currentLineBytes();
      journal.record(
        source.line, dates.rollOversSoFar, positions.offset + start, positions.offset + end,
        eventsFrom, events.count, deliveriesFrom, deliveries.length, failed, deferred, delivered, lineEvents.length - failed - deferred - delivered,
      );
    }
    position++;
  });
  const flush = () => {
    const { touches, ...touched } = journal.take();
    const batch: RangeBatch = {
      index: task.index, events: events.take(), eventPositions: eventPositions.take(), eventRollOvers: eventRollOvers.take(),
      deliveryText: deliveries.join(''), deliveryEnds: deliveryEnds.take(), deliveryHashes: deliveryHashes.take(),
      deliveryPositions: deliveryPositions.take(), touched, touches,
    };
    deliveries = [];
    deliveryLength = 0;
    send({ batch }, transferablesOf(batch));
  };
  readRange(task.fd, task.range, splitter, positions, () => {
    if (positions.offset - sent < BATCH_BYTES) return;
    sent = positions.offset;
    flush();
  });
  flush();
  const maps = parse.state.maps;
  send({
    end: {
      index: task.index, lines: splitter.line, counts: classifier.counts, dates: dates.observed,
      survivors: maps.map((map) => [...map.held()]), peaks: maps.map((map) => ({ entries: map.peakSize, chars: map.peakChars })),
    },
  }, []);
}

/**
 * Merges ranges of one log in order into a run, with this thread's parser (whose state is what the ranges before
 * left). `fd` is the log, open, for the lines read again.
 */
export class RangeMerger {
  readonly parse: LogParser = createLogParser();
  private readonly take: (events: readonly BounceEvent[], dates: DateReader) => void;
  private readonly source: { file: string; line: number };
  /** Reads dates at the roll-over count of the line being merged. */
  private readonly datesAt: DateReader & { rollOvers: number };
  /** Ranges whose workers' results could not stand, read again here whole (a test looks). */
  readAgain = 0;

  constructor(
    private readonly fd: number, private readonly name: string, private readonly dates: InputDates, private readonly classifier: EventClassifier,
    private readonly taker: EventTaker,
  ) {
    this.take = eventReader(classifier, taker);
    this.source = { file: name, line: 0 };
    this.datesAt = { rollOvers: 0, read: (text) => dates.readAt(text, this.datesAt.rollOvers) };
  }

  /** Reads a range here, with the real state, once the ranges before it are merged. */
  read(range: LogRange, linesBefore: number): number {
    const splitter = new LogLineSplitter((text, line) => {
      this.source.line = linesBefore + line;
      this.dates.observeLine(text);
      this.take(this.parse(text, this.source), this.dates);
    });
    readRange(this.fd, range, splitter);
    return splitter.line;
  }

  /** Reads a range here when no worker gave a result for it, or its worker's result cannot stand. */
  scan(range: LogRange, linesBefore: number): number {
    this.readAgain++;
    return this.read(range, linesBefore);
  }

  /**
   * Per touched line of each batch, whether it must be read again here, and per state map the hashes of the keys
   * whose lines are; undefined when the whole range must be.
   */
  private conflicts(batches: readonly RangeBatch[]): { replay: Uint8Array[]; hashes: (Uint32Array | undefined)[] } | undefined {
    const maps = this.parse.state.maps;
    const hashes = maps.map((map) => {
      if (map.size === 0) return undefined;
      const bits = new Uint32Array(1 << (KEY_FILTER_BITS - 5));
      for (const [key] of map.held()) {
        const hash = keyHash(key);
        bits[hash >>> 5] |= 1 << (hash & 31);
      }
      return bits;
    });
    const replay: Uint8Array[] = [];
    for (const batch of batches) {
      const { touches } = batch;
      const marks = new Uint8Array(batch.touched.positions.length);
      for (let touch = 0; touch < touches.hashes.length; touch++) {
        const map = touches.maps[touch];
        const hash = touches.hashes[touch];
        const filter = hashes[map];
        if (!filter || (filter[hash >>> 5] & (1 << (hash & 31))) === 0) continue;
        if (maps[map].rangeWide) return undefined;
        marks[touches.lines[touch]] = 1;
      }
      replay.push(marks);
    }
    return { replay, hashes };
  }

  /** Takes the workers' batches and end for `range` (`linesBefore` lines before it, `lines` in it). */
  merge(batches: readonly RangeBatch[], end: RangeEnd, range: LogRange, linesBefore: number, lines: number): void {
    if (end.lines !== lines) throw new Error(`internal: a worker read ${end.lines} lines where ${lines} were counted`);
    const maps = this.parse.state.maps;
    // The worker's state never forgot anything; the real one would have, had both together passed its bounds.
    for (let map = 0; map < maps.length; map++) {
      const { entries, chars } = maps[map].load;
      if (entries + end.peaks[map].entries > MAX_PENDING || chars + end.peaks[map].chars > MAX_PENDING_CHARS) {
        this.scan(range, linesBefore);
        return;
      }
    }
    const conflicts = this.conflicts(batches);
    if (!conflicts) {
      this.scan(range, linesBefore);
      return;
    }
    const rollOversOf = this.dates.absorb(end.dates);
    // The worker's state under other keys, in the order its lines added it.
    const kept: { map: number; key: string; value: unknown; chars: number; position: number }[] = [];
    end.survivors.forEach((entries, map) => {
      const read = conflicts.hashes[map];
      for (const [key, value, chars, position] of entries) {
        const hash = keyHash(key);
        // The key's lines were read again here, so this thread's state has the key as they left it.
        if (read && (read[hash >>> 5] & (1 << (hash & 31))) !== 0) continue;
        kept.push({ map, key, value, chars, position });
      }
    });
    kept.sort((a, b) => a.position - b.position);
    let survivor = 0;
    const absorbBefore = (stop: number) => {
      for (; survivor < kept.length && kept[survivor].position < stop; survivor++) {
        const { map, key, value, chars } = kept[survivor];
        maps[map].set(key, value, chars - key.length);
      }
    };
    const counts = { ...end.counts };
    const { aggregator } = this.taker;
    batches.forEach((batch, index) => {
      const replay = conflicts.replay[index];
      const events = new EventReader(batch.events, this.name);
      const eventCount = batch.eventPositions.length;
      let event = 0;
      let delivery = 0;
      const handOnBefore = (stop: number) => {
        for (;;) {
          const eventAt = event < eventCount ? batch.eventPositions[event] : Infinity;
          const deliveryAt = delivery < batch.deliveryPositions.length ? batch.deliveryPositions[delivery] : Infinity;
          if (eventAt >= stop && deliveryAt >= stop) return;
          if (eventAt < deliveryAt) {
            this.datesAt.rollOvers = rollOversOf(batch.eventRollOvers[event]);
            this.taker.event(events.read(event++), this.datesAt);
          } else {
            const hash = batch.deliveryHashes[delivery];
            if (!aggregator.skipsDelivery(hash)) {
              this.taker.delivery(batch.deliveryText.slice(delivery ? batch.deliveryEnds[delivery - 1] : 0, batch.deliveryEnds[delivery]), hash);
            }
            delivery++;
          }
        }
      };
      const { touched } = batch;
      for (let line = 0; line < replay.length; line++) {
        if (!replay[line]) continue;
        const stop = touched.positions[line];
        handOnBefore(stop);
        absorbBefore(stop);
        // This line's events come from reading it again, with the real state.
        const span = touched.spans.subarray(SPAN * line, SPAN * line + SPAN);
        for (; event < span[1]; event++) events.skip();
        delivery = span[3];
        addCounts(counts, { failed: span[4], deferred: span[5], delivered: span[6], rejectedInbound: span[7] }, -1);
        this.source.line = touched.lines[line];
        this.datesAt.rollOvers = rollOversOf(touched.rollOvers[line]);
        this.take(this.parse(readLine(this.fd, touched.starts[line], touched.ends[line]), this.source), this.datesAt);
      }
      handOnBefore(Infinity);
    });
    absorbBefore(Infinity);
    addCounts(this.classifier.counts, counts);
  }
}
