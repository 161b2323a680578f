// Rows beyond a memory budget, as in an external sort: the rows held so far are written to a temporary file sorted by
// key (a run), and at the end the runs and the rows still held are read together in key order, the rows of one key
// grouped in the order they were written. The aggregator's records (recordRuns.ts), merge's results (merge.ts) and the
// deliveries kept for it (deliveries.ts) use it, each with its own codec.
//
// A run file holds rows one after the other: each is its length in bytes, how many numbers and texts it has, whether
// its texts are in UTF-16, its numbers as doubles, the length of each text (-1: none), and the texts one after the
// other: in Latin-1 when every character fits in a byte, as most of a log's do, else in UTF-16, exact for any string.
// JSON lines took half of the runs' time (parsing 2.5 s and writing 1.6 s for 500,000 rows); UTF-16 throughout wrote
// twice the bytes of Latin-1.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fitsLatin1 } from './recordStore';

/** The bytes past which rows held in memory go to a run: SMTP_DIAG_RECORD_BYTES when set (benchmarks), else 16 MB
 * (tests make it small). Until a collection frees them, the rows just written stay in memory beside the new ones. */
export const recordLimits = { bytes: Number(process.env.SMTP_DIAG_RECORD_BYTES) > 0 ? Number(process.env.SMTP_DIAG_RECORD_BYTES) : 16 << 20 };

const BLOCK_BYTES = 1 << 20;
const NO_TEXT = -1;
/** Runs read at once at most: the sixty-fifth is first made of the sixty-four (their rows in order, not joined). */
const MAX_RUNS = 64;

/** A row as a run holds it. */
export interface RowFields {
  readonly numbers: readonly number[];
  readonly texts: readonly (string | undefined)[];
}

/** How one kind of row is written to a run and read back. */
export interface RowCodec<Row> {
  encode(row: Row): RowFields;
  decode(numbers: number[], texts: (string | undefined)[]): Row;
}

/** Writes rows to a file in blocks. */
export class RunWriter<Row> {
  private readonly fd: number;
  private block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;

  constructor(file: string, private readonly codec: RowCodec<Row>) {
    this.fd = openSync(file, 'w');
  }

  write(row: Row): void {
    const { numbers, texts } = this.codec.encode(row);
    // The texts go as one string, written in one call: a call per text took most of a run's writing time.
    const joined = texts.join('');
    const wide = !fitsLatin1(joined);
    const bytes = 16 + numbers.length * 8 + texts.length * 4 + joined.length * (wide ? 2 : 1);
    if (this.used + bytes > this.block.length) {
      this.flush();
      if (bytes > this.block.length) this.block = Buffer.allocUnsafe(bytes);
    }
    const { block } = this;
    let at = block.writeInt32LE(bytes, this.used);
    at = block.writeInt32LE(numbers.length, at);
    at = block.writeInt32LE(texts.length, at);
    at = block.writeInt32LE(wide ? 1 : 0, at);
    for (const number of numbers) at = block.writeDoubleLE(number, at);
    for (const text of texts) at = block.writeInt32LE(text === undefined ? NO_TEXT : text.length, at);
    this.used = at + block.write(joined, at, wide ? 'utf16le' : 'latin1');
  }

  private flush(): void {
    if (this.used > 0) writeSync(this.fd, this.block, 0, this.used);
    this.used = 0;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/** One row from its bytes. */
function decoded<Row>(block: Buffer, start: number, codec: RowCodec<Row>): Row {
  const numberCount = block.readInt32LE(start + 4);
  const textCount = block.readInt32LE(start + 8);
  const wide = block.readInt32LE(start + 12) === 1;
  let at = start + 16;
  const numbers: number[] = [];
  for (let index = 0; index < numberCount; index++, at += 8) numbers.push(block.readDoubleLE(at));
  const lengthsAt = at;
  const joined = block.toString(wide ? 'utf16le' : 'latin1', lengthsAt + 4 * textCount, start + block.readInt32LE(start));
  const texts: (string | undefined)[] = [];
  let from = 0;
  for (let index = 0; index < textCount; index++) {
    const length = block.readInt32LE(lengthsAt + 4 * index);
    if (length === NO_TEXT) texts.push(undefined);
    else {
      texts.push(joined.slice(from, from + length));
      from += length;
    }
  }
  return codec.decode(numbers, texts);
}

/** The rows of one run file, in order. */
export function* runRows<Row>(file: string, codec: RowCodec<Row>): Generator<Row> {
  const fd = openSync(file, 'r');
  try {
    let block = Buffer.allocUnsafe(BLOCK_BYTES);
    let start = 0;
    let end = 0;
    for (;;) {
      // A whole row from `start`, or more bytes first.
      if (end - start >= 4 && end - start >= block.readInt32LE(start)) {
        const bytes = block.readInt32LE(start);
        yield decoded(block, start, codec);
        start += bytes;
        continue;
      }
      const needed = end - start >= 4 ? block.readInt32LE(start) : 4;
      const next = needed > block.length ? Buffer.allocUnsafe(needed) : block;
      block.copy(next, 0, start, end);
      block = next;
      end -= start;
      start = 0;
      const read = readSync(fd, block, end, block.length - end, null);
      if (read === 0) return;
      end += read;
    }
  } finally {
    closeSync(fd);
  }
}

/** Numbers in a binary heap, the one that comes `before` all others on top. */
class MinHeap {
  private readonly items: number[] = [];

  constructor(private readonly before: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): number {
    return this.items[0];
  }

  push(item: number): void {
    const { items, before } = this;
    let at = items.push(item) - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(items[at], items[parent])) break;
      [items[at], items[parent]] = [items[parent], items[at]];
      at = parent;
    }
  }

  pop(): number {
    const { items } = this;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      this.topMoved();
    }
    return top;
  }

  /** Puts the top item back in its place, after what it is compared by has changed. */
  topMoved(): void {
    const { items, before } = this;
    for (let at = 0; ;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let least = at;
      if (left < items.length && before(items[left], items[least])) least = left;
      if (right < items.length && before(items[right], items[least])) least = right;
      if (least === at) return;
      [items[at], items[least]] = [items[least], items[at]];
      at = least;
    }
  }
}

function* flattened<Row>(groups: Iterable<Row[]>): Generator<Row> {
  for (const group of groups) yield* group;
}

/** Runs of rows sorted by key, in a temporary folder of their own (named from `prefix`). */
export class SortedRuns<Row extends { readonly key: string }> {
  private directory: string | undefined;
  private files: string[] = [];
  private made = 0;

  constructor(private readonly codec: RowCodec<Row>, private readonly prefix: string) {}

  get count(): number {
    return this.files.length;
  }

  /** Writes rows sorted by key as the next run. */
  write(rows: Iterable<Row>): void {
    if (this.files.length >= MAX_RUNS) {
      const runs = this.files.splice(0);
      this.files.push(this.written(flattened(this.grouped(runs.map((file) => runRows(file, this.codec))))));
      for (const file of runs) rmSync(file, { force: true });
    }
    this.files.push(this.written(rows));
  }

  /** A new run file of `rows`. */
  private written(rows: Iterable<Row>): string {
    if (this.directory === undefined) {
      this.directory = mkdtempSync(path.join(tmpdir(), this.prefix));
      // A process that exits before the rows are taken (the CLI on Ctrl+C, see cli.ts) leaves no folder behind.
      process.once('exit', this.removeAtExit);
    }
    const file = path.join(this.directory, `run-${this.made++}`);
    const writer = new RunWriter(file, this.codec);
    try {
      for (const row of rows) writer.write(row);
    } finally {
      writer.close();
    }
    return file;
  }

  /**
   * The rows of every run, then of `last` (sorted by key too), grouped by key in key order: each group holds a key's
   * rows in the order of the runs, which is the order they were written in.
   */
  merged(last: Iterable<Row>): Generator<Row[]> {
    return this.grouped([...this.files.map((file) => runRows(file, this.codec)), last[Symbol.iterator]()]);
  }

  /** The rows of `sources` (each sorted by key; a key may have several rows, in order) grouped by key. */
  private *grouped(sources: Iterator<Row>[]): Generator<Row[]> {
    const heads = sources.map((source) => source.next());
    // The sources with rows left, in a binary heap by their next row's key, then by their order: looking through
    // every source for the least key took a third of a merge of 45 runs.
    const before = (a: number, b: number) => {
      const keyA = (heads[a] as IteratorYieldResult<Row>).value.key;
      const keyB = (heads[b] as IteratorYieldResult<Row>).value.key;
      return keyA < keyB || (keyA === keyB && a < b);
    };
    const heap = new MinHeap(before);
    heads.forEach((head, index) => head.done || heap.push(index));
    while (heap.size > 0) {
      const key = (heads[heap.peek()] as IteratorYieldResult<Row>).value.key;
      const group: Row[] = [];
      while (heap.size > 0 && (heads[heap.peek()] as IteratorYieldResult<Row>).value.key === key) {
        const index = heap.peek();
        for (let head = heads[index]; !head.done && head.value.key === key; head = heads[index]) {
          group.push(head.value);
          heads[index] = sources[index].next();
        }
        if (heads[index].done) heap.pop();
        else heap.topMoved();
      }
      yield group;
    }
  }

  private readonly removeAtExit = () => this.dispose();

  /** Removes the run files. */
  dispose(): void {
    if (this.directory) rmSync(this.directory, { recursive: true, force: true });
    this.directory = undefined;
    this.files = [];
    process.off('exit', this.removeAtExit);
  }
}

/** Rows by key, held in memory up to the budget (by the sizes their users give) and in runs past it. */
export class SpillingMap<Row extends { readonly key: string }> {
  private held = new Map<string, Row>();
  private heldBytes = 0;
  private readonly runs: SortedRuns<Row>;

  constructor(codec: RowCodec<Row>, prefix: string) {
    this.runs = new SortedRuns(codec, prefix);
  }

  /** The row held for `key` (none when it went to a run: a new one then starts, to be joined at the end). */
  get(key: string): Row | undefined {
    return this.held.get(key);
  }

  /** Holds a new row of about `bytes`, whole: past the budget it goes to a run at once. */
  add(row: Row, bytes: number): void {
    this.held.set(row.key, row);
    this.grew(bytes);
  }

  /** Notes that a row held grew by about `bytes` (once it holds what it grew by); past the budget, the rows held go to
   * a run. */
  grew(bytes: number): void {
    this.heldBytes += bytes;
    if (this.heldBytes <= recordLimits.bytes) return;
    this.runs.write(this.heldByKey());
    this.held = new Map();
    this.heldBytes = 0;
  }

  private heldByKey(): Row[] {
    return [...this.held.keys()].sort().map((key) => this.held.get(key)!);
  }

  /** Every key's rows, in key order, each key's in the order they were held. Once: the runs are then removed. */
  *groups(): Generator<Row[]> {
    try {
      const held = this.heldByKey();
      this.held = new Map();
      if (this.runs.count === 0) for (const row of held) yield [row];
      else yield* this.runs.merged(held);
    } finally {
      this.runs.dispose();
    }
  }
}
