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
import { decodeLogText } from './input';
import { LogLineSplitter } from './logLines';
import { createLogParser, LogParser } from './logs';
import { MAX_PENDING, MAX_PENDING_CHARS, StateJournal } from './logs/recognizer';
import { addCounts, EventClassifier, EventTaker, eventReader, OutcomeCounts } from './run';
import type { BounceEvent, ClassifiedEvent } from './types';

const BLOCK_BYTES = 1 << 19;
/** A worker sends what it read every so many bytes: strings it kept longer would keep the 64 KB pieces they were cut
 * from alive, and the young generation's collections would copy them over and over. */
const BATCH_BYTES = 1 << 20;

/** A byte range of a log file that starts at a line start and ends after a line break (or at the file's end). */
export interface LogRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Reads bytes [start, end) of an open file in blocks through a splitter. `positions.offset` follows the file offset
 * of the buffer the splitter scans, for a handler that asks where a line lies.
 */
export function readRange(fd: number, range: LogRange, splitter: LogLineSplitter, positions = { offset: 0 }, afterBlock?: () => void): void {
  let buffer = Buffer.allocUnsafe(2 * BLOCK_BYTES);
  let kept = 0;
  let position = range.start;
  positions.offset = range.start;
  while (position < range.end) {
    // An unfinished line stays in the buffer (up to MAX_LINE_BYTES, after which the splitter passes it on in pieces).
    if (buffer.length - kept < BLOCK_BYTES) {
      const grown = Buffer.allocUnsafe(2 * buffer.length);
      buffer.copy(grown, 0, 0, kept);
      buffer = grown;
    }
    const read = readSync(fd, buffer, kept, Math.min(BLOCK_BYTES, range.end - position), position);
    if (read === 0) break;
    position += read;
    const filled = kept + read;
    const consumed = splitter.scan(buffer, 0, filled, position >= range.end);
    buffer.copyWithin(0, consumed, filled);
    kept = filled - consumed;
    positions.offset += consumed;
    afterBlock?.();
  }
  // The file got shorter since its size was taken: what was read is all there is.
  if (kept > 0) splitter.scan(buffer, 0, kept, true);
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
 * What a worker sends of events to hand on: their fields in this order (null for undefined), their file left out (it
 * is the range's). A batch's events go as one JSON text of these tuples: a string, which waits for its turn to be
 * merged without costing the collections of the merging thread anything, where thousands of cloned objects did.
 */
type EventTuple = [
  string, ClassifiedEvent['outcome'], string | null, string | null, string, string | null, string | null, string | null, number, string,
  ClassifiedEvent['stage'] | null, ClassifiedEvent['source'] | null, ClassifiedEvent['type'], ClassifiedEvent['reason'], ClassifiedEvent['rule'],
];

const tupleOf = (event: ClassifiedEvent): EventTuple => [
  event.address, event.outcome, event.status ?? null, event.reply ?? null, event.diagnostic, event.remoteMta ?? null, event.date ?? null,
  event.messageId ?? null, event.line, event.format, event.stage ?? null, event.source ?? null, event.type, event.reason, event.rule,
];

/** The event of a tuple, with the shape classify gives events (every field present). */
const eventOf = (tuple: EventTuple, file: string): ClassifiedEvent => ({
  address: tuple[0], outcome: tuple[1], status: tuple[2] ?? undefined, reply: tuple[3] ?? undefined, diagnostic: tuple[4],
  remoteMta: tuple[5] ?? undefined, date: tuple[6] ?? undefined, messageId: tuple[7] ?? undefined, file, line: tuple[8], format: tuple[9],
  stage: tuple[10] ?? undefined, source: tuple[11] ?? undefined, type: tuple[12], reason: tuple[13], rule: tuple[14],
});

const KEY_FILTER_BITS = 20;
/**
 * A hash of a key of state. The merging thread reads again every line that touched a key with the hash of a key its
 * state holds: all lines of such a key, so a key that only shares the hash is read again whole, from the same empty
 * state the worker had, with the same result (and the worker's state for it is dropped).
 */
function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
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
  /** JSON of the events' EventTuples. */
  readonly events: string;
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
    batch.eventPositions, batch.eventRollOvers, batch.deliveryEnds, batch.deliveryHashes, batch.deliveryPositions,
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
  let events: EventTuple[] = [];
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
    const eventsFrom = events.length;
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
        events.push(tupleOf(classified));
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
        eventsFrom, events.length, deliveriesFrom, deliveries.length, failed, deferred, delivered, lineEvents.length - failed - deferred - delivered,
      );
    }
    position++;
  });
  const flush = () => {
    const { touches, ...touched } = journal.take();
    const batch: RangeBatch = {
      index: task.index, events: JSON.stringify(events), eventPositions: eventPositions.take(), eventRollOvers: eventRollOvers.take(),
      deliveryText: deliveries.join(''), deliveryEnds: deliveryEnds.take(), deliveryHashes: deliveryHashes.take(),
      deliveryPositions: deliveryPositions.take(), touched, touches,
    };
    events = [];
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
      const events = JSON.parse(batch.events) as EventTuple[];
      let event = 0;
      let delivery = 0;
      const handOnBefore = (stop: number) => {
        for (;;) {
          const eventAt = event < events.length ? batch.eventPositions[event] : Infinity;
          const deliveryAt = delivery < batch.deliveryPositions.length ? batch.deliveryPositions[delivery] : Infinity;
          if (eventAt >= stop && deliveryAt >= stop) return;
          if (eventAt < deliveryAt) {
            this.datesAt.rollOvers = rollOversOf(batch.eventRollOvers[event]);
            this.taker.event(eventOf(events[event++], this.name), this.datesAt, true);
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
        event = span[1];
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
