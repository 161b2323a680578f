// The aggregation's records outside the JavaScript heap: a row of numbers per failed address in Float64Array blocks,
// its texts in byte blocks. A log can fail hundreds of thousands of addresses, and as objects and strings each cost
// about 450 bytes of heap, which the garbage collector let grow to two or three times that before it collected
// (peak RSS 260-470 MB on the benchmark's 1.33 GB log with 214,000 of them). Here a record costs about 200 bytes,
// none of it in the collected heap.
import { clipped } from './detach';
import { EventTime, InputDates, PendingStamp, Stamp } from './eventTime';
import { fnv1a } from './hash';
import { TextCache } from './textCache';
import type { ClassifiedEvent } from './types';

/** Stands for the record's own address in a kept diagnostic: a noncharacter, which no server's reply holds. */
const ADDRESS_MARK = '\uffff';
const TEXT_BLOCK_BYTES = 1 << 16;
/** A text reference: its byte position times 2^15, plus its byte length times 2, plus 1 when it is UTF-16. */
const POSITION_UNIT = 1 << 15;
const NONE = -1;
/** Shared texts (TextBlocks.putShared): up to 65,536 texts and 8 M characters, each from its second time on (a million
 * Gmail failures, each reply with its own ID, peaked at 252-262 MB when every text was kept, 209-236 MB with none);
 * 65,536 slots (256 KB) remember the texts met. */
const SHARED_TEXTS = { texts: 65_536, chars: 8 << 20, recentSlots: 1 << 16 } as const;

// eslint-disable-next-line no-control-regex
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

/** Whether every character of a text fits in a Latin-1 byte (else it is kept as UTF-16, here and in run files). */
export function fitsLatin1(text: string): boolean {
  return !BEYOND_LATIN1.test(text);
}

/** Texts kept as bytes: Latin-1 when every character fits in one, else UTF-16 (exact for any string, lone surrogates
 * too). Appended only, so a reference stays good for the store's life. */
class TextBlocks {
  private readonly blocks: Buffer[] = [];
  private used = TEXT_BLOCK_BYTES;
  /** Recent texts by content (codes, remote hosts, diagnostics repeat). */
  private readonly shared = new TextCache<number>(SHARED_TEXTS);

  get bytes(): number {
    return this.blocks.length * TEXT_BLOCK_BYTES;
  }

  put(text: string): number {
    const wide = !fitsLatin1(text);
    const bytes = wide ? text.length * 2 : text.length;
    if (this.used + bytes > TEXT_BLOCK_BYTES) {
      this.blocks.push(Buffer.allocUnsafe(Math.max(TEXT_BLOCK_BYTES, bytes)));
      this.used = 0;
    }
    const block = this.blocks.length - 1;
    this.blocks[block].write(text, this.used, bytes, wide ? 'utf16le' : 'latin1');
    const position = block * TEXT_BLOCK_BYTES + this.used;
    this.used += bytes;
    return position * POSITION_UNIT + bytes * 2 + (wide ? 1 : 0);
  }

  /** A reference to `text`, the same one for the same text while it is remembered (from its second time on). */
  putShared(text: string): number {
    const found = this.shared.get(text);
    if (found !== undefined) return found;
    const reference = this.put(text);
    // The key is the store's own copy, read back from its bytes.
    this.shared.set(text, reference, '', () => this.get(reference));
    return reference;
  }

  /** The block that holds a reference's text. */
  private blockOf(reference: number): Buffer {
    return this.blocks[Math.floor(Math.floor(reference / POSITION_UNIT) / TEXT_BLOCK_BYTES)];
  }

  /** Whether the text of `reference` is `text`, read in place. */
  equals(reference: number, text: string): boolean {
    const wide = isWide(reference);
    if (byteLengthOf(reference) !== (wide ? text.length * 2 : text.length)) return false;
    const block = this.blockOf(reference);
    const start = startOf(reference);
    for (let index = 0; index < text.length; index++) {
      const code = wide ? block[start + 2 * index] | (block[start + 2 * index + 1] << 8) : block[start + index];
      if (code !== text.charCodeAt(index)) return false;
    }
    return true;
  }

  get(reference: number): string {
    const start = startOf(reference);
    return this.blockOf(reference).toString(isWide(reference) ? 'utf16le' : 'latin1', start, start + byteLengthOf(reference));
  }
}

// The parts of a text reference (TextBlocks.put).
const startOf = (reference: number) => Math.floor(reference / POSITION_UNIT) % TEXT_BLOCK_BYTES;
const byteLengthOf = (reference: number) => Math.floor((reference % POSITION_UNIT) / 2);
const isWide = (reference: number) => reference % 2 === 1;

/** A few names (verdicts, reasons, rules, sources, file names), each kept once, by number. */
class NameTable {
  private readonly numbers = new Map<string, number>();
  private readonly names: string[] = [];

  number(name: string | undefined): number {
    if (name === undefined) return NONE;
    let found = this.numbers.get(name);
    if (found === undefined) {
      found = this.names.length;
      this.names.push(name);
      this.numbers.set(name, found);
    }
    return found;
  }

  name(number: number): string | undefined {
    return number === NONE ? undefined : this.names[number];
  }
}

// A row is numbers in two arrays: slots of a Float64Array (texts, orders, times), and small ones of an Int32Array.
const ADDRESS = 0;
const STATUS = 1;
const REPLY = 2;
const DIAGNOSTIC = 3;
const REMOTE_MTA = 4;
const MESSAGE_ID = 5;
const LINE = 6;
const LAST_FAILURE = 7;
const DELIVERED_AT = 8;
/** The address in lower case: the key it is found by (ADDRESS's text when that is lower case already). */
const KEY = 11;
/** The last delivery before the row's story started (0: none): a run of an earlier part of the input may hold
 * failures of the address that it closed (recordRuns.ts). */
const PRIOR_DELIVERY = 12;
// Times take two slots each: a kind (0 none; 1 + 2·zoned + 4·yearInferred for a known instant; -1 - the input's
// number for a syslog stamp whose year is pending) and the instant or the stamp's order.
const RECORD_TIME = 9;
const ROW = 13;
// The small slots.
const COUNT = 0;
/** 1 when the diagnostic is kept with its address replaced by ADDRESS_MARK. */
const TEMPLATED = 1;
const TYPE = 2;
const REASON = 3;
const RULE = 4;
const SOURCE = 5;
const FILE = 6;
/** From the second failure of the address on, the number of its span (FIRST to PENDING_LAST in `spans`); until then
 * -1, and the record's time is its first and last. */
const SPAN = 7;
const SMALL_ROW = 8;
// The slots of a span (the same time encoding).
export const FIRST = 0;
export const LAST = 2;
export const PENDING_FIRST = 4;
export const PENDING_LAST = 6;
const SPAN_ROW = 8;
const ROWS_PER_BLOCK = 4096;

/** Numbers in blocks of rows, added at the end. */
class Rows<T extends Float64Array | Int32Array> {
  private readonly blocks: T[] = [];

  constructor(private readonly width: number, private readonly make: (length: number) => T) {}

  /** Makes room for row `row` (rows are added in order). */
  reach(row: number): void {
    if (row === this.blocks.length * ROWS_PER_BLOCK) this.blocks.push(this.make(ROWS_PER_BLOCK * this.width));
  }

  get(row: number, slot: number): number {
    return this.blocks[Math.floor(row / ROWS_PER_BLOCK)][(row % ROWS_PER_BLOCK) * this.width + slot];
  }

  set(row: number, slot: number, value: number): void {
    this.blocks[Math.floor(row / ROWS_PER_BLOCK)][(row % ROWS_PER_BLOCK) * this.width + slot] = value;
  }
}

export type SpanSlot = typeof FIRST | typeof LAST | typeof PENDING_FIRST | typeof PENDING_LAST;

/** What a record says, as the store gives it back. */
export interface StoredRecord {
  readonly address: string;
  readonly status?: string;
  readonly reply?: string;
  readonly type: ClassifiedEvent['type'];
  readonly reason: ClassifiedEvent['reason'];
  readonly rule: ClassifiedEvent['rule'];
  readonly source?: ClassifiedEvent['source'];
  readonly diagnostic: string;
  readonly remoteMta?: string;
  readonly messageId?: string;
  readonly file: string;
  readonly line: number;
}

/**
 * The inputs of pending syslog stamps, by number: shared by the stores and runs of one aggregation. An input that has
 * ended is kept as the dates it shares with the others of its year (InputDates.settled), so a folder of many small
 * logs costs a number per input, not an object and a map entry.
 */
export class InputTable {
  private readonly inputs: InputDates[] = [];
  private readonly numbers = new Map<InputDates, number>();

  private numberOf(dates: InputDates): number {
    let number = this.numbers.get(dates);
    if (number === undefined) {
      // Inputs are read one after another: those numbered before this one have mostly ended.
      for (const [earlier, earlierNumber] of this.numbers) {
        const settled = earlier.settled;
        if (!settled) continue;
        this.inputs[earlierNumber] = settled;
        this.numbers.delete(earlier);
      }
      number = this.inputs.push(dates) - 1;
      this.numbers.set(dates, number);
    }
    return number;
  }

  /** A time from its two numbers (RecordStore's encoding). */
  time(kind: number, value: number): Stamp | undefined {
    if (kind === 0) return undefined;
    if (kind < 0) return PendingStamp.at(this.inputs[-1 - kind], value);
    return { instant: value, zoned: (kind & 2) !== 0, yearInferred: (kind & 4) !== 0 };
  }

  /** The two numbers of a time. */
  code(time: Stamp | undefined): TimeCode {
    if (time === undefined) return [0, 0];
    if (time instanceof PendingStamp) return [-1 - this.numberOf(time.dates), time.order];
    return [1 + (time.zoned ? 2 : 0) + (time.yearInferred ? 4 : 0), time.instant];
  }
}

/** A time as two numbers: a kind (0 none; 1 + 2·zoned + 4·yearInferred for a known instant; -1 - the input's number
 * for a syslog stamp whose year is pending) and the instant or the stamp's order. */
export type TimeCode = readonly [number, number];

export class RecordStore {
  private readonly rows = new Rows(ROW, (length) => new Float64Array(length));
  private readonly small = new Rows(SMALL_ROW, (length) => new Int32Array(length));
  private readonly spans = new Rows(SPAN_ROW, (length) => new Float64Array(length));
  private size = 0;
  private spanCount = 0;
  private readonly texts = new TextBlocks();
  private readonly names = new NameTable();
  /** Open addressing by key hash: row + 1 per slot, 0 for none; at most half full. */
  private index = new Int32Array(1 << 12);
  /** The key hash of each slot's row, to grow the index and pass other keys without reading them. */
  private hashes = new Int32Array(1 << 12);

  constructor(private readonly inputs = new InputTable()) {}

  /** Bytes held: rows, spans, texts and the index. */
  get bytes(): number {
    return this.size * (ROW * 8 + SMALL_ROW * 4) + this.spanCount * SPAN_ROW * 8 + this.texts.bytes + this.index.length * 8;
  }

  /** Rows, one per address. */
  get rowCount(): number {
    return this.size;
  }

  /** The rows, in the order their addresses first failed. */
  *allRows(): Generator<number> {
    for (let row = 0; row < this.size; row++) yield row;
  }

  /** The row of the address whose lower case is `key`, or undefined. */
  find(key: string): number | undefined {
    const mask = this.index.length - 1;
    const hash = keyHash(key);
    for (let slot = hash & mask; this.index[slot] !== 0; slot = (slot + 1) & mask) {
      const row = this.index[slot] - 1;
      if (this.hashes[slot] === hash && this.texts.equals(this.rows.get(row, KEY), key)) return row;
    }
    return undefined;
  }

  /** A new row for the address of `event` (not in the store; `key` its lower case), failed at `order`. */
  add(event: ClassifiedEvent, key: string, order: number): number {
    const address = this.texts.put(event.address);
    const row = this.addRow(address, key === event.address ? address : this.texts.put(key), key);
    this.restart(row, order);
    return row;
  }

  /** A new row for an address known only to have been delivered to (`key` its lower case): no failure yet, so no
   * record; only its deliveries count (an earlier run may hold its failures). */
  addDelivered(key: string): number {
    const reference = this.texts.put(key);
    return this.addRow(reference, reference, key);
  }

  private addRow(address: number, key: number, keyText: string): number {
    const row = this.size++;
    this.rows.reach(row);
    this.small.reach(row);
    this.small.set(row, SPAN, NONE);
    this.rows.set(row, ADDRESS, address);
    this.rows.set(row, KEY, key);
    if (this.size * 2 > this.index.length) this.grow();
    this.place(row, keyHash(keyText));
    return row;
  }

  private place(row: number, hash: number): void {
    const mask = this.index.length - 1;
    let slot = hash & mask;
    while (this.index[slot] !== 0) slot = (slot + 1) & mask;
    this.index[slot] = row + 1;
    this.hashes[slot] = hash;
  }

  private grow(): void {
    const [index, hashes] = [this.index, this.hashes];
    this.index = new Int32Array(index.length * 2);
    this.hashes = new Int32Array(index.length * 2);
    for (let slot = 0; slot < index.length; slot++) if (index[slot] !== 0) this.place(index[slot] - 1, hashes[slot]);
  }

  /** The row starts anew with the failure of `order`: a delivery (at DELIVERED_AT) closed what it held, or it had
   * none. Its span, if any, is written whole again at its next failure. */
  restart(row: number, order: number): void {
    this.rows.set(row, PRIOR_DELIVERY, Math.max(this.rows.get(row, PRIOR_DELIVERY), this.deliveredAt(row)));
    this.small.set(row, COUNT, 1);
    this.rows.set(row, LAST_FAILURE, order);
    this.rows.set(row, DELIVERED_AT, 0);
  }

  key(row: number): string { return this.texts.get(this.rows.get(row, KEY)); }
  priorDelivery(row: number): number { return this.rows.get(row, PRIOR_DELIVERY); }

  count(row: number): number { return this.small.get(row, COUNT); }
  lastFailure(row: number): number { return this.rows.get(row, LAST_FAILURE); }
  deliveredAt(row: number): number { return this.rows.get(row, DELIVERED_AT); }
  type(row: number): ClassifiedEvent['type'] { return this.names.name(this.small.get(row, TYPE)) as ClassifiedEvent['type']; }
  address(row: number): string { return this.texts.get(this.rows.get(row, ADDRESS)); }
  reason(row: number): ClassifiedEvent['reason'] { return this.names.name(this.small.get(row, REASON)) as ClassifiedEvent['reason']; }

  /** Whether the address failed more than once since its row started: then it has a span. */
  hasSpan(row: number): boolean { return this.count(row) > 1; }

  /** Another failure of the row's address, of `order`. */
  failedAgain(row: number, order: number): void {
    this.small.set(row, COUNT, this.count(row) + 1);
    this.rows.set(row, LAST_FAILURE, order);
  }

  delivered(row: number, order: number): void {
    this.rows.set(row, DELIVERED_AT, order);
  }

  /** Makes `event` the row's record (the address as the event writes it too). */
  takeRecord(row: number, event: ClassifiedEvent, time: Stamp | undefined): void {
    const { texts, names, rows, small } = this;
    if (!texts.equals(rows.get(row, ADDRESS), event.address)) rows.set(row, ADDRESS, texts.put(event.address));
    const optional = (text: string | undefined) => (text === undefined ? NONE : texts.putShared(clipped(text)));
    rows.set(row, STATUS, optional(event.status));
    rows.set(row, REPLY, optional(event.reply));
    const diagnostic = clipped(event.diagnostic);
    // "550 5.1.1 <a@x>: User unknown" and "550 5.1.1 <b@x>: User unknown" share one text.
    const templated = event.address.length > 0 && !diagnostic.includes(ADDRESS_MARK) && diagnostic.includes(event.address);
    rows.set(row, DIAGNOSTIC, texts.putShared(templated ? diagnostic.split(event.address).join(ADDRESS_MARK) : diagnostic));
    small.set(row, TEMPLATED, templated ? 1 : 0);
    rows.set(row, REMOTE_MTA, optional(event.remoteMta));
    rows.set(row, MESSAGE_ID, event.messageId === undefined ? NONE : texts.put(clipped(event.messageId)));
    small.set(row, TYPE, names.number(event.type));
    small.set(row, REASON, names.number(event.reason));
    small.set(row, RULE, names.number(event.rule));
    small.set(row, SOURCE, names.number(event.source));
    small.set(row, FILE, names.number(event.file));
    rows.set(row, LINE, event.line);
    this.writeTime(this.rows, row, RECORD_TIME, time);
  }

  record(row: number): StoredRecord {
    const { texts, names, rows, small } = this;
    const optional = (slot: number) => (rows.get(row, slot) === NONE ? undefined : texts.get(rows.get(row, slot)));
    const address = this.address(row);
    const diagnostic = texts.get(rows.get(row, DIAGNOSTIC));
    return {
      address, status: optional(STATUS), reply: optional(REPLY), type: this.type(row),
      reason: this.reason(row), rule: names.name(small.get(row, RULE)) as ClassifiedEvent['rule'],
      source: names.name(small.get(row, SOURCE)) as ClassifiedEvent['source'],
      diagnostic: small.get(row, TEMPLATED) === 1 ? diagnostic.split(ADDRESS_MARK).join(address) : diagnostic,
      remoteMta: optional(REMOTE_MTA), messageId: optional(MESSAGE_ID), file: names.name(small.get(row, FILE))!, line: rows.get(row, LINE),
    };
  }

  /** When the record's event happened. */
  recordTime(row: number): Stamp | undefined {
    return this.readTime(this.rows, row, RECORD_TIME);
  }

  /** A time of the row's span (undefined before its second failure). */
  spanTime(row: number, slot: SpanSlot): Stamp | undefined {
    const span = this.small.get(row, SPAN);
    return span === NONE ? undefined : this.readTime(this.spans, span, slot);
  }

  setSpanTime(row: number, slot: SpanSlot, time: Stamp | undefined): void {
    let span = this.small.get(row, SPAN);
    if (span === NONE) {
      span = this.spanCount++;
      this.spans.reach(span);
      this.small.set(row, SPAN, span);
    }
    this.writeTime(this.spans, span, slot, time);
  }

  /** The two numbers of a time of the row (RECORD_TIME) or its span, as InputTable codes them. */
  timeCode(row: number, slot: SpanSlot | 'record'): TimeCode {
    if (slot === 'record') return [this.rows.get(row, RECORD_TIME), this.rows.get(row, RECORD_TIME + 1)];
    const span = this.small.get(row, SPAN);
    return span === NONE ? [0, 0] : [this.spans.get(span, slot), this.spans.get(span, slot + 1)];
  }

  private readTime(rows: Rows<Float64Array>, row: number, slot: number): Stamp | undefined {
    return this.inputs.time(rows.get(row, slot), rows.get(row, slot + 1));
  }

  private writeTime(rows: Rows<Float64Array>, row: number, slot: number, time: Stamp | undefined): void {
    const [kind, value] = this.inputs.code(time);
    rows.set(row, slot, kind);
    rows.set(row, slot + 1, value);
  }
}

/** FNV-1a of a key, as a non-negative 31-bit number. */
const keyHash = (key: string): number => fnv1a(key) >>> 1;

/** Two times are the same when their instants and flags are (the store gives back new objects). */
export function sameTime(a: EventTime | undefined, b: EventTime | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.instant === b.instant && a.zoned === b.zoned && a.yearInferred === b.yearInferred);
}
