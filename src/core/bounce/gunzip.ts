// Gzip decompression like `gzip -dc`: every member of a concatenated file (`cat a.gz b.gz`), zero padding after the
// last one ignored quietly, other trailing bytes ignored with a warning, a damaged member an error after the text
// before it. Node's Gunzip stream reads members too, but bytes after the last one make it throw away the output of
// the last block it inflated, often the whole file: members are framed here and each one's deflate data inflated raw.
import type * as Zlib from 'node:zlib';
import { drainedOrClosed } from './drain';

/** node:zlib, loaded when a compressed input is met: loading it took 1-2 ms of every CLI run of a plain log. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlib = () => require('node:zlib') as typeof Zlib;

/** Compressed data that cannot be decompressed (any further): truncated, damaged, or no gzip at all. */
export class CompressedDataError extends Error {}

const EMPTY = Buffer.alloc(0);
/** A header longer than this (its file name or comment never ends) is damage, not a header. */
const MAX_HEADER_BYTES = 1 << 20;
const FLAG = { headerCrc: 2, extra: 4, name: 8, comment: 16, reserved: 0xe0 } as const;

/** The compressed bytes with a cursor: what one member's header or deflate data leaves over starts the next. */
class ByteReader {
  private pending: Buffer = EMPTY;
  private ended = false;
  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  /** At least `count` bytes ahead of the cursor, fewer only at the end of the input. */
  async ahead(count: number): Promise<Buffer> {
    while (this.pending.length < count && !this.ended) {
      const next = await this.chunks.next();
      if (next.done) this.ended = true;
      else this.pending = this.pending.length ? Buffer.concat([this.pending, next.value]) : next.value;
    }
    return this.pending;
  }

  skip(count: number): void { this.pending = this.pending.subarray(count); }

  /** The bytes ahead of the cursor, or else the next chunk; undefined at the end. */
  async take(): Promise<Buffer | undefined> {
    const bytes = this.pending.length ? this.pending : await this.ahead(1);
    this.pending = EMPTY;
    return bytes.length ? bytes : undefined;
  }

  /** Puts bytes back ahead of the cursor. */
  unread(bytes: Buffer): void { this.pending = this.pending.length ? Buffer.concat([bytes, this.pending]) : bytes; }
}

/**
 * The length of the member header the bytes start with: 0 when more bytes are needed to tell, -1 when they start
 * no gzip member (RFC 1952: magic, method 8, no reserved flag; optional extra field, name, comment, header CRC).
 */
function headerLength(bytes: Buffer): number {
  const start = [0x1f, 0x8b, 8];
  for (let index = 0; index < Math.min(3, bytes.length); index++) if (bytes[index] !== start[index]) return -1;
  if (bytes.length > 3 && bytes[3] & FLAG.reserved) return -1;
  if (bytes.length < 10) return 0;
  const flags = bytes[3];
  let length = 10;
  if (flags & FLAG.extra) {
    if (bytes.length < length + 2) return 0;
    length += 2 + bytes.readUInt16LE(length);
  }
  for (const flag of [FLAG.name, FLAG.comment]) {
    if (!(flags & flag)) continue;
    const end = bytes.indexOf(0, length);
    if (end < 0) return 0;
    length = end + 1;
  }
  if (flags & FLAG.headerCrc) length += 2;
  return bytes.length < length ? 0 : length;
}

/** Reads up to the first non-zero byte; true when only zeros (gzip's padding) were left. */
async function onlyZerosLeft(input: ByteReader): Promise<boolean> {
  for (let bytes = await input.take(); bytes; bytes = await input.take()) {
    if (bytes.some((byte) => byte !== 0)) return false;
  }
  return true;
}

/** The decompressed members of gzip data (which must start with a member); `onTrailingGarbage` hears of bytes after
 * the last member that are neither a member nor zero padding. */
export async function* gunzipMembers(chunks: AsyncIterator<Buffer>, onTrailingGarbage: () => void): AsyncGenerator<Buffer> {
  const input = new ByteReader(chunks);
  try {
    for (let member = 0; ; member++) {
      let header = await input.ahead(10);
      if (header.length === 0) return;
      let length = headerLength(header);
      while (length === 0 && header.length < MAX_HEADER_BYTES) {
        const more = await input.ahead(header.length + 1);
        if (more.length === header.length) break;
        header = more;
        length = headerLength(header);
      }
      if (length < 0 && member > 0) {
        if (!(await onlyZerosLeft(input))) onTrailingGarbage();
        return;
      }
      if (length <= 0) throw new CompressedDataError(length < 0 ? 'not gzip data' : 'truncated or damaged gzip header');
      input.skip(length);
      yield* inflateMember(input);
    }
  } finally {
    await chunks.return?.();
  }
}

/** One member's deflate data, inflated, then its trailer checked (CRC-32 and length of the data); the bytes after it
 * are left in `input`. */
async function* inflateMember(input: ByteReader): AsyncGenerator<Buffer> {
  const { createInflateRaw, crc32 } = zlib();
  const inflate = createInflateRaw();
  // Chunks written to the inflater, from the first it may not have consumed whole: the end of the deflate data can
  // lie inside any of them, and what follows it belongs to the trailer and the next member.
  const written: Buffer[] = [];
  let dropped = 0;
  let ended = false;
  let feedError: unknown;
  inflate.once('end', () => { ended = true; });
  const feeding = (async () => {
    for (let chunk = await input.take(); chunk; chunk = await input.take()) {
      if (ended) { input.unread(chunk); return; }
      while (written.length && dropped + written[0].length <= inflate.bytesWritten) dropped += written.shift()!.length;
      written.push(chunk);
      if (!inflate.write(chunk)) await drainedOrClosed(inflate);
      if (ended || inflate.destroyed) return;
    }
    inflate.end();
  })().catch((error: unknown) => { feedError = error; inflate.destroy(error as Error); });
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
  } catch (error) {
    if (feedError) throw feedError;
    throw new CompressedDataError((error as Error).message);
  } finally {
    ended = true;
  }
  await feeding;
  if (feedError) throw feedError;
  input.unread(Buffer.concat(written).subarray(inflate.bytesWritten - dropped));
  const trailer = await input.ahead(8);
  if (trailer.length < 8) throw new CompressedDataError('unexpected end of file: the gzip trailer is missing');
  if (trailer.readUInt32LE(0) !== crc >>> 0) throw new CompressedDataError('incorrect data check (CRC-32)');
  if (trailer.readUInt32LE(4) !== size % 2 ** 32) throw new CompressedDataError('incorrect length check');
  input.skip(8);
}
