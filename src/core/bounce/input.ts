// Reading inputs as streams: files (gzip-compressed or not), directories (recursively), stdin, editor text.
// Content decides the kind: RFC 5322 headers → one message; a "From " first line → mbox; anything else → log.
import { createReadStream, promises as fs, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Something to extract from: a path (file or directory), a stream, or text already in memory (an editor). */
export type BounceInput =
  | { readonly path: string }
  | { readonly name: string; readonly stream: AsyncIterable<Buffer | string> }
  | { readonly name: string; readonly text: string };

export type ContentKind = 'log' | 'message' | 'mbox';

/** An input that gave nothing. `unreadable` (missing, no permission, read error) makes the CLI exit 1;
 * binary, empty or oversized inputs are only reported. */
export interface SkippedInput {
  readonly file: string;
  readonly problem: string;
  readonly unreadable: boolean;
}
export type ProblemReporter = (file: string, problem: string, unreadable?: boolean) => void;

/** Thrown when the caller's AbortSignal fires. */
export class ExtractionCancelled extends Error {
  constructor() { super('Extraction cancelled'); }
}

export interface OpenedInput {
  readonly name: string;
  readonly chunks: AsyncIterable<Buffer>;
}

/** A file bigger than WHOLE_READ_BYTES is read in READ_BYTES blocks and decoded in CHUNK_BYTES pieces. */
const READ_BYTES = 1 << 19;
const CHUNK_BYTES = 1 << 16;
/** Files up to this size are read in one call (a blocking read this small takes well under a millisecond). */
const WHOLE_READ_BYTES = CHUNK_BYTES;

/** Expands paths (directories recursively, sorted) into one opened input per file. */
export async function* openInputs(inputs: readonly BounceInput[], onProblem: ProblemReporter): AsyncGenerator<OpenedInput> {
  for (const input of inputs) {
    if ('text' in input) yield { name: input.name, chunks: Readable.from([Buffer.from(input.text, 'utf8')]) };
    else if ('stream' in input) yield { name: input.name, chunks: toBuffers(input.stream) };
    else yield* openPath(input.path, onProblem);
  }
}

async function* toBuffers(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

async function* openPath(file: string, onProblem: ProblemReporter): AsyncGenerator<OpenedInput> {
  let stat;
  try {
    // Synchronous, like the whole read of a small file below: a status call takes microseconds, and waiting for the
    // thread pool once per file of a bounce folder took longer than parsing the file.
    stat = statSync(file);
  } catch (error) {
    onProblem(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, true);
    return;
  }
  if (stat.isDirectory()) {
    let entries: string[];
    try {
      entries = (await fs.readdir(file)).sort();
    } catch (error) {
      onProblem(file, `cannot list folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, true);
      return;
    }
    for (const entry of entries) yield* openPath(path.join(file, entry), onProblem);
    return;
  }
  if (!stat.isFile()) {
    onProblem(file, 'not a regular file');
    return;
  }
  if (stat.size <= WHOLE_READ_BYTES) {
    // A bounce folder is thousands of small files: one read each, instead of a stream's open, reads and close,
    // which left the CLI waiting on the file system for half of its time (npm run bench, corpus eml/bsd).
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      onProblem(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, true);
      return;
    }
    yield { name: file, chunks: (async function* () { yield bytes; })() };
    return;
  }
  try {
    // Opened now, so an unreadable file is reported before any of its content is expected.
    const handle = await fs.open(file, 'r');
    await handle.close();
  } catch (error) {
    onProblem(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, true);
    return;
  }
  // Read in 512 KB blocks (fewer trips to the thread pool: 15 % less time on the benchmark log), passed on in 64 KB
  // pieces: those decode to strings V8 allocates in its young generation, while bigger ones (up to about 1 MB) each
  // get pages of their own, which made decoding a log several times slower and its memory larger.
  yield { name: file, chunks: inPieces(createReadStream(file, { highWaterMark: READ_BYTES })) };
}

/** The chunks cut to at most CHUNK_BYTES each, without copying. */
async function* inPieces(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    for (let start = 0; start < chunk.length; start += CHUNK_BYTES) yield chunk.subarray(start, start + CHUNK_BYTES);
  }
}

/** Decompresses gzip content (detected by its magic bytes, whatever the file name), passes anything else through. */
export async function* decompressed(chunks: AsyncIterable<Buffer>, onRawBytes: (count: number) => void): AsyncGenerator<Buffer> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  onRawBytes(first.value.length);
  const rest = async function* () {
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      onRawBytes(next.value.length);
      yield next.value;
    }
  };
  if (first.value[0] === 0x1f && first.value[1] === 0x8b) yield* Readable.from(rest()).pipe(createGunzip());
  else yield* rest();
}

const MAX_LINE_BYTES = 4 << 20;

const HEADER_LINE = /^[A-Za-z][!-9;-~]*:/;

/** Decides from the first bytes whether the content is a log, one message or an mbox; undefined for binary. */
export function sniffKind(head: Buffer): ContentKind | undefined {
  const text = head.subarray(0, 4096).toString('latin1').replace(/^\s+/, '');
  if (/^From \S/.test(text)) return 'mbox';
  const lines = text.split(/\r\n|\r|\n/).slice(0, 5);
  // A message may carry a stray NUL in a body part; a file that does not start with headers and has one is binary.
  if (HEADER_LINE.test(lines[0]) && lines.slice(0, 3).filter((line) => HEADER_LINE.test(line) || /^[ \t]/.test(line)).length >= Math.min(2, lines.length)) return 'message';
  return head.subarray(0, 8192).includes(0) ? undefined : 'log';
}

/**
 * Splits chunks into lines on LF, CRLF or bare CR. Each chunk is decoded only up to its last line break, so a
 * UTF-8 character split across chunks stays whole; a CR that ends a chunk swallows an LF that starts the next.
 * `encoding` is utf8 for logs and latin1 (byte-preserving) for messages.
 */
export async function* linesOf(chunks: AsyncIterable<Buffer>, encoding: 'utf8' | 'latin1', signal?: AbortSignal): AsyncGenerator<string[]> {
  let carry: Buffer = Buffer.alloc(0);
  let skipLeadingLf = false;
  // Most logs have no CR at all: a plain split is several times faster than the regex.
  const split = (text: string) => (text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n'));
  for await (const chunk of chunks) {
    if (signal?.aborted) throw new ExtractionCancelled();
    // A chunk after one that ended in CR starts a line: nothing is carried.
    const bytes = skipLeadingLf && chunk[0] === 10 ? chunk.subarray(1) : chunk;
    skipLeadingLf = false;
    const cut = Math.max(bytes.lastIndexOf(10), bytes.lastIndexOf(13));
    if (cut < 0) {
      const joined = carry.length ? Buffer.concat([carry, bytes]) : bytes;
      // A "line" this long is not a log line (minified data, a binary without NULs): pass it on in pieces so memory
      // stays bounded instead of growing until a line break that may never come.
      if (joined.length > MAX_LINE_BYTES) { yield [joined.toString(encoding)]; carry = Buffer.alloc(0); } else carry = joined;
      continue;
    }
    const end = bytes[cut] === 10 && bytes[cut - 1] === 13 ? cut - 1 : cut;
    if (carry.length === 0) yield split(bytes.toString(encoding, 0, end));
    else {
      // Only the line the carry begins is joined and decoded apart: copying every chunk behind its carry would
      // double the bytes moved.
      const lf = bytes.indexOf(10);
      const cr = bytes.indexOf(13);
      const first = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      const lines = split(bytes.toString(encoding, first, end));
      lines[0] = Buffer.concat([carry, bytes.subarray(0, first)]).toString(encoding);
      yield lines;
    }
    carry = Buffer.from(bytes.subarray(cut + 1));
    if (bytes[cut] === 13 && cut === bytes.length - 1) skipLeadingLf = true;
  }
  if (carry.length) yield [carry.toString(encoding)];
}
