// Results of inputs read apart merged into what one reading of them all gives: the reduce step after
// `smtp-diag extract --format ndjson --deliveries` has run as a map step over each rotated log (on many cores or
// machines). Per address, as the aggregator decides (aggregate.ts): a delivery after an address's last failure closes
// its failures, and the failures left join into one record, the hardest evidence deciding, the first of it on a tie.
// Across inputs, the times of the lines order the failures and deliveries; within one input, the map step has
// ordered them by line already. Past the memory budget, the addresses held so far go to a run (sortedRuns.ts), so
// merging the outputs of many machines takes a bounded amount of memory.
import { kept, outranks, widen } from './aggregate';
import type { DeliveredEntry } from './deliveries';
import type { EventTime } from './eventTime';
import { ndjsonPieces, RECORD_FIELDS } from './format';
import { lineBatches, MAX_LINE_CHARS } from './lineBatches';
import { RowCodec, SpillingMap } from './sortedRuns';
import type { BounceRecord } from './types';

/**
 * The last line of an input's output with --deliveries: how many records and deliveries come before it, and whether
 * every file of the input was read. A map step stopped before its end leaves no end line, so merge can tell an output
 * cut short, or one made without --deliveries, from a log that had no delivery.
 */
export interface InputEnd {
  readonly type: 'end';
  /** The input as the map step was given it (a file, a folder, "stdin"). */
  readonly input: string;
  readonly records: number;
  readonly deliveries: number;
  /** False when a file of the input could not be read (extract named it on stderr and exited 1). */
  readonly allRead: boolean;
}

/** A line of the map step's output: a record, the last delivery to an address in one input, or an input's end. */
export type ResultLine = BounceRecord | DeliveredEntry | InputEnd;

/** The items, each counted in `tally` as it passes. */
function* counted<T>(items: Iterable<T>, tally: { count: number }): Generator<T> {
  for (const item of items) {
    tally.count++;
    yield item;
  }
}

/** What `extract --format ndjson --deliveries` writes for one input, line by line: its records, its deliveries and
 * its end line. */
export function* mapStepPieces(input: string, records: Iterable<BounceRecord>, deliveries: Iterable<DeliveredEntry>, allRead: boolean): Generator<string> {
  const recordTally = { count: 0 };
  const deliveryTally = { count: 0 };
  yield* ndjsonPieces(counted(records, recordTally));
  yield* ndjsonPieces(counted(deliveries, deliveryTally));
  const end: InputEnd = { type: 'end', input, records: recordTally.count, deliveries: deliveryTally.count, allRead };
  yield* ndjsonPieces([end]);
}

/** A record's time with the text it was written as, so a merged record keeps the texts of its input. */
interface TimeText extends EventTime {
  readonly text: string;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?$/;

/** A time as records write it (ISO 8601, "Z" when the input gave a zone); a time without a zone counts as if it
 * were UTC, as the engine orders such times. Undefined for null or a text that is no such time. */
function timeOf(text: string | null, yearInferred: boolean): TimeText | undefined {
  if (text === null || !ISO_TIME.test(text)) return undefined;
  const instant = Date.parse(text.endsWith('Z') ? text : `${text}Z`);
  return Number.isNaN(instant) ? undefined : { instant, zoned: text.endsWith('Z'), yearInferred, text };
}

const isTimeText = (value: unknown) => value === null || (typeof value === 'string' && ISO_TIME.test(value));
const isText = (value: unknown) => typeof value === 'string';
const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

/** What each field of a record read back must hold. */
const FIELD_CHECKS: Readonly<Record<keyof BounceRecord, (value: unknown) => boolean>> = {
  address: (value) => isText(value) && value !== '', status: (value) => value === null || isText(value), reply: (value) => value === null || isText(value),
  type: (value) => value === 'hard' || value === 'review' || value === 'soft', reason: isText, rule: isText, source: isText, diagnostic: isText,
  remoteMta: (value) => value === null || isText(value), date: isTimeText, messageId: (value) => value === null || isText(value), file: isText,
  line: isCount, count: (value) => Number.isInteger(value) && (value as number) >= 1,
  firstSeen: isTimeText, lastSeen: isTimeText, yearInferred: (value) => typeof value === 'boolean',
};

/** A line of the map step's output read back, or why it is none. */
export function parseResultLine(text: string): ResultLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const line = value as Record<string, unknown>;
  if (line.type === 'end') {
    const { input, records, deliveries, allRead } = line;
    return isText(input) && isCount(records) && isCount(deliveries) && typeof allRead === 'boolean'
      ? { type: 'end', input: input as string, records: records as number, deliveries: deliveries as number, allRead }
      : 'an end line without its input, counts or allRead';
  }
  if (typeof line.address !== 'string' || line.address === '') return 'no address';
  if (line.type === 'delivered') {
    return isTimeText(line.lastSeen) && isText(line.file) ? { address: line.address, type: 'delivered', lastSeen: line.lastSeen as string | null, file: line.file as string } : 'a delivery without lastSeen or file';
  }
  if (!FIELD_CHECKS.type(line.type)) return `type "${String(line.type)}" is none of hard, review, soft, delivered, end`;
  // Only the record's own fields, in their order: whatever else a line holds is not passed on.
  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) {
    const value = line[field];
    if (!FIELD_CHECKS[field](value)) return `a record whose ${field} is missing or not of its kind`;
    record[field] = value;
  }
  return record as unknown as BounceRecord;
}

/** What is known of one address: the time of its latest delivery, and its records in the order they came. */
interface AddressResults {
  readonly key: string;
  delivered: number;
  readonly records: BounceRecord[];
}

/** A record's fields that are numbers (a boolean as 0 or 1); the others are texts, null kept as none. */
const NUMBER_FIELDS: ReadonlySet<keyof BounceRecord> = new Set(['line', 'count', 'yearInferred']);
const NUMBERS_OF = RECORD_FIELDS.filter((field) => NUMBER_FIELDS.has(field));
const TEXTS_OF = RECORD_FIELDS.filter((field) => !NUMBER_FIELDS.has(field));
/** Each field's place among a record's numbers or texts. */
const PLACES = RECORD_FIELDS.map((field) => (NUMBER_FIELDS.has(field) ? NUMBERS_OF : TEXTS_OF).indexOf(field));

/** An address's results in a run: the delivery time and the record count, then each record's numbers; the key, then
 * each record's texts. */
const RESULTS_CODEC: RowCodec<AddressResults> = {
  encode({ key, delivered, records }) {
    const numbers = [delivered, records.length];
    const texts: (string | undefined)[] = [key];
    for (const record of records) {
      for (const field of NUMBERS_OF) numbers.push(Number(record[field]));
      for (const field of TEXTS_OF) texts.push((record[field] as string | null) ?? undefined);
    }
    return { numbers, texts };
  },
  decode(numbers, texts) {
    const records: BounceRecord[] = [];
    for (let index = 0; index < numbers[1]; index++) {
      const record: Record<string, unknown> = {};
      const numberAt = 2 + index * NUMBERS_OF.length;
      const textAt = 1 + index * TEXTS_OF.length;
      RECORD_FIELDS.forEach((field, place) => {
        record[field] = NUMBER_FIELDS.has(field) ? numbers[numberAt + PLACES[place]] : (texts[textAt + PLACES[place]] ?? null);
      });
      record.yearInferred = record.yearInferred === 1;
      records.push(record as unknown as BounceRecord);
    }
    return { key: texts[0]!, delivered: numbers[0], records };
  },
};

/** Roughly what an address and a record take in memory, for the budget. */
const ADDRESS_BYTES = 200;
const RECORD_BYTES = 400;

/** Merges the lines of any number of map steps' outputs, in any order. */
export class ResultMerger {
  private readonly byKey = new SpillingMap(RESULTS_CODEC, 'smtp-diag-merge-');
  /** Lines read of each kind. */
  readonly read = { records: 0, deliveries: 0, ends: 0 };
  /** The records and deliveries the end lines read count, and the inputs they say were not read whole. */
  private readonly ended = { lines: 0, notAllRead: [] as string[] };
  /** Inputs of merge read to their end without an end line: a map step's output has one per input it was given. */
  private readonly unended: string[] = [];

  /** Reads one input of merge (a map step's output, or several one after the other) to its end; `problem` hears each
   * line that is no such output, with the input's name and the line's number. */
  async readInput(name: string, stream: AsyncIterable<Buffer | string>, problem: (text: string) => void): Promise<void> {
    const endsBefore = this.read.ends;
    let number = 0;
    for await (const batch of lineBatches(stream)) {
      for (const line of batch) {
        number++;
        if (line === undefined) problem(`${name}:${number}: a line of more than ${MAX_LINE_CHARS} characters`);
        else if (line.trim() !== '') {
          const parsed = parseResultLine(line);
          if (typeof parsed === 'string') problem(`${name}:${number}: ${parsed}`);
          else this.add(parsed);
        }
      }
    }
    if (this.read.ends === endsBefore) this.unended.push(name);
  }

  add(line: ResultLine): void {
    if (line.type === 'end') {
      this.read.ends++;
      this.ended.lines += line.records + line.deliveries;
      if (!line.allRead) this.ended.notAllRead.push(line.input);
      return;
    }
    const key = line.address.toLowerCase();
    const held = this.byKey.get(key);
    const results = held ?? { key, delivered: -Infinity, records: [] };
    let bytes = held ? 0 : ADDRESS_BYTES + 2 * key.length;
    if (line.type === 'delivered') {
      this.read.deliveries++;
      results.delivered = Math.max(results.delivered, timeOf(line.lastSeen, false)?.instant ?? -Infinity);
    } else {
      this.read.records++;
      results.records.push(line);
      bytes += RECORD_BYTES + line.diagnostic.length + line.address.length;
    }
    // Counted once the row holds the line: past the budget it goes to a run as it is now.
    if (held) this.byKey.grew(bytes);
    else this.byKey.add(results, bytes);
  }

  /**
   * What the lines read say of the outputs they came from, whatever their order: `problems` when an output was cut
   * short or its map step could not read a file (the list may then keep an address delivered to since, or miss one),
   * `warning` when no output has end lines (made without --deliveries, or by an earlier version): one warning then,
   * not one per input without its end line.
   */
  doubts(): { problems: string[]; warning?: string } {
    const { records, deliveries, ends } = this.read;
    if (ends === 0) {
      return { problems: [], warning: records > 0 ? 'no end lines read: outputs of extract without --deliveries (or of an earlier version), so a delivery in one log could not close a failure in another' : undefined };
    }
    const problems = this.unended.map((name) => `${name}: no end line: not the whole output of extract --format ndjson --deliveries (its map step stopped before its end?)`);
    const lines = records + deliveries;
    if (lines !== this.ended.lines) {
      problems.push(`the outputs hold ${lines} records and deliveries where their end lines count ${this.ended.lines}: an output is cut short or holds lines of another (a map step stopped before its end?)`);
    }
    const { notAllRead } = this.ended;
    if (notAllRead.length > 0) {
      const shown = notAllRead.slice(0, 3).join(', ');
      problems.push(`${notAllRead.length} input(s) of the map step were not read whole (${shown}${notAllRead.length > 3 ? ', …' : ''}; extract named the files on its stderr): what they hold is not in this list`);
    }
    return { problems };
  }

  /** The merged records sorted by address regardless of case, hard ones only unless `includeSoft`. Once. */
  *records(includeSoft: boolean): Generator<BounceRecord> {
    for (const group of this.byKey.groups()) {
      const record = mergedRecord(group);
      if (record && kept(record.type, includeSoft)) yield record;
    }
  }
}

/**
 * The record of an address's failures that no delivery closed, or undefined. A record stays open when its last failure
 * is at or after the address's latest delivery (a delivery in the same second does not close it); one without a date
 * counts as older than any dated delivery. The open ones join in the order of their first failures.
 */
function mergedRecord(group: readonly AddressResults[]): BounceRecord | undefined {
  const records = group.length === 1 ? group[0].records : group.flatMap((results) => results.records);
  const delivered = Math.max(...group.map((results) => results.delivered));
  // Alone and never delivered to: the record as it came (its times need no reading).
  if (records.length === 1 && delivered === -Infinity) return records[0];
  const open = records
    .map((record) => ({ record, first: timeOf(record.firstSeen, record.yearInferred), last: timeOf(record.lastSeen, record.yearInferred) }))
    .filter(({ last }) => (last?.instant ?? -Infinity) >= delivered)
    .sort((a, b) => (a.first?.instant ?? -Infinity) - (b.first?.instant ?? -Infinity));
  if (open.length === 0) return undefined;
  let merged = open[0].record;
  const span: { first?: EventTime; last?: EventTime } = {};
  widen(span, open[0].first);
  widen(span, open[0].last);
  for (const { record, first, last } of open.slice(1)) {
    const base = outranks(record.type, merged.type) ? record : merged;
    merged = { ...base, count: merged.count + record.count, yearInferred: merged.yearInferred || record.yearInferred };
    widen(span, first);
    widen(span, last);
  }
  const text = (time: EventTime | undefined) => (time ? (time as TimeText).text : null);
  return open.length === 1 ? merged : { ...merged, firstSeen: text(span.first), lastSeen: text(span.last) };
}
