// The bytes of a run file (recordRuns.ts): each row is its length, its numbers as doubles and its texts, each after a
// header (-1: none; else its length times 2, plus 1 when it is UTF-16): Latin-1 when every character fits in a byte,
// as most of a log's do, else UTF-16, exact for any string. JSON lines took half of the runs' time (parsing 2.5 s and
// writing 1.6 s for 500,000 rows); UTF-16 throughout wrote twice the bytes of Latin-1.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { RunRow } from './recordRuns';
import { fitsLatin1, type StoredRecord, type TimeCode } from './recordStore';

const BLOCK_BYTES = 1 << 20;
const NUMBERS = 16;
const NO_TEXT = -1;

type Texts = readonly (string | undefined)[];

/** The texts of a row: its key, then its record's, in this order (the record's names all present, or none). */
const textsOf = (row: RunRow): Texts => {
  const record = row.record;
  return record
    ? [row.key, record.address, record.status, record.reply, record.type, record.reason, record.rule, record.source, record.diagnostic, record.remoteMta, record.messageId, record.file]
    : [row.key];
};

/** Writes rows to a file in blocks. */
export class RunWriter {
  private readonly fd: number;
  private block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  write(row: RunRow): void {
    const texts = textsOf(row);
    const wide = texts.map((text) => text !== undefined && !fitsLatin1(text));
    const bytes = 4 + 4 + NUMBERS * 8 + texts.reduce((sum, text, index) => sum + 4 + (text === undefined ? 0 : text.length * (wide[index] ? 2 : 1)), 0);
    if (this.used + bytes > this.block.length) {
      this.flush();
      if (bytes > this.block.length) this.block = Buffer.allocUnsafe(bytes);
    }
    const { block } = this;
    let at = block.writeInt32LE(bytes, this.used);
    at = block.writeInt32LE(texts.length, at);
    const span = row.span ?? [];
    const numbers = [row.count, row.lastFailure, row.deliveredAt, row.priorDelivery, row.record?.line ?? 0, row.time[0], row.time[1], row.span ? 1 : 0];
    for (let index = 0; index < 4; index++) numbers.push(span[index]?.[0] ?? 0, span[index]?.[1] ?? 0);
    for (const number of numbers) at = block.writeDoubleLE(number, at);
    texts.forEach((text, index) => {
      at = block.writeInt32LE(text === undefined ? NO_TEXT : text.length * 2 + (wide[index] ? 1 : 0), at);
      if (text !== undefined) at += block.write(text, at, wide[index] ? 'utf16le' : 'latin1');
    });
    this.used = at;
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
function decoded(block: Buffer, start: number): RunRow {
  let at = start + 4;
  const textCount = block.readInt32LE(at);
  at += 4;
  const numbers: number[] = [];
  for (let index = 0; index < NUMBERS; index++, at += 8) numbers.push(block.readDoubleLE(at));
  const texts: (string | undefined)[] = [];
  for (let index = 0; index < textCount; index++) {
    const header = block.readInt32LE(at);
    at += 4;
    if (header === NO_TEXT) texts.push(undefined);
    else {
      const wide = header % 2 === 1;
      const bytes = (header >> 1) * (wide ? 2 : 1);
      texts.push(block.toString(wide ? 'utf16le' : 'latin1', at, at + bytes));
      at += bytes;
    }
  }
  const [count, lastFailure, deliveredAt, priorDelivery, line, timeKind, timeValue, hasSpan] = numbers;
  const code = (index: number): TimeCode => [numbers[8 + 2 * index], numbers[9 + 2 * index]];
  const [key, address, status, reply, type, reason, rule, source, diagnostic, remoteMta, messageId, file] = texts;
  const record: StoredRecord | undefined = textCount > 1 ? {
    address: address!, status, reply, type: type as StoredRecord['type'], reason: reason as StoredRecord['reason'], rule: rule as StoredRecord['rule'],
    source: source as StoredRecord['source'], diagnostic: diagnostic!, remoteMta, messageId, file: file!, line,
  } : undefined;
  return {
    key: key!, count, lastFailure, deliveredAt, priorDelivery, record, time: [timeKind, timeValue],
    span: hasSpan === 1 ? [code(0), code(1), code(2), code(3)] : undefined,
  };
}

/** The rows of one run file, in order. */
export function* runRows(file: string): Generator<RunRow> {
  const fd = openSync(file, 'r');
  try {
    let block = Buffer.allocUnsafe(BLOCK_BYTES);
    let start = 0;
    let end = 0;
    for (;;) {
      // A whole row from `start`, or more bytes first.
      if (end - start >= 4 && end - start >= block.readInt32LE(start)) {
        const bytes = block.readInt32LE(start);
        yield decoded(block, start);
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
