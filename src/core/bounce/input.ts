// Reading inputs as streams: files (gzip-compressed or not), directories (recursively), stdin, editor text.
// Content decides the kind: RFC 5322 headers → one message; a "From " first line → mbox; anything else → log.
import { BigIntStats, closeSync, createReadStream, promises as fs, fstatSync, lstatSync, opendirSync, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { CompressedDataError, gunzipMembers } from './gunzip';

/**
 * Something to extract from: a path (file or directory), a stream, or text already in memory (an editor). `modified`
 * is when the text's file was last written (milliseconds since 1970), which dates syslog stamps without a year; a
 * file's own modification time serves for a path, the current time for a stream or text without it.
 */
export type BounceInput =
  | { readonly path: string }
  | { readonly name: string; readonly stream: AsyncIterable<Buffer | string> }
  | { readonly name: string; readonly text: string; readonly modified?: number };

export type ContentKind = 'log' | 'message' | 'mbox';

/** An input that gave nothing. `unreadable` (missing, no permission, read error) makes the CLI exit 1;
 * binary, empty or oversized inputs are only reported. */
export interface SkippedInput {
  readonly file: string;
  readonly problem: string;
  readonly unreadable: boolean;
}
export type ProblemReporter = (file: string, problem: string, unreadable?: boolean) => void;

/** Problems listed one by one; those after them are counted in one last entry. */
export const MAX_PROBLEMS_LISTED = 10_000;

/**
 * Problems of inputs: one entry each up to MAX_PROBLEMS_LISTED, then one last entry that counts the others (unreadable
 * when any of them was). A folder of a million empty files made a million entries, printed line by line.
 */
export class ProblemList {
  readonly problems: SkippedInput[] = [];
  private more = 0;
  private moreUnreadable = false;

  add(problem: SkippedInput): void {
    if (this.problems.length < MAX_PROBLEMS_LISTED) {
      this.problems.push(problem);
      return;
    }
    this.more++;
    this.moreUnreadable ||= problem.unreadable;
    this.problems[MAX_PROBLEMS_LISTED] = {
      file: `(after the ${MAX_PROBLEMS_LISTED.toLocaleString('en')} above)`,
      problem: `${this.more.toLocaleString('en')} more input(s) not read or read in part, not listed`,
      unreadable: this.moreUnreadable,
    };
  }
}

/** Thrown when the caller's AbortSignal fires. */
export class ExtractionCancelled extends Error {
  constructor() { super('Extraction cancelled'); }
}

export interface OpenedInput {
  readonly name: string;
  readonly chunks: AsyncIterable<Buffer>;
  /** When the input was last written: a regular file's modification time, or an editor's; undefined when unknown. */
  readonly modified?: number;
  /** A regular file read in blocks: its path and size, for reading it again in byte ranges (logWorkers.ts). */
  readonly file?: { readonly path: string; readonly size: number };
  /** A small regular file read whole: its bytes, which `chunks` gives too. */
  readonly bytes?: Buffer;
}

/** A file bigger than WHOLE_READ_BYTES is read in READ_BYTES blocks and decoded in CHUNK_BYTES pieces. */
const READ_BYTES = 1 << 19;
const CHUNK_BYTES = 1 << 16;
/** Files up to this size are read in one call (a blocking read this small takes well under a millisecond). */
export const WHOLE_READ_BYTES = CHUNK_BYTES;
/** Bytes the content is sniffed from: sniffKind's look for NULs (a stream's first read can be far shorter). */
const SNIFF_BYTES = 8192;

/** How folders are walked. */
export interface WalkOptions {
  /** Enter symlinked folders found in a walk (like ripgrep's --follow); folders named as inputs are always entered. */
  readonly followSymlinks?: boolean;
}

/**
 * Device and inode of every folder entered and file opened: a link loop ends, and each file is read once. Inodes are
 * kept as numbers (a few bytes each, not a string) in a set per device: a folder may hold a million files.
 */
class SeenFiles {
  private readonly byDevice = new Map<bigint, Set<number | bigint>>();

  /** Whether the file was seen before; notes it. Inode 0: the file system has none, nothing can be told apart. */
  seenBefore(stat: BigIntStats): boolean {
    if (stat.ino === 0n) return false;
    let inodes = this.byDevice.get(stat.dev);
    if (!inodes) this.byDevice.set(stat.dev, inodes = new Set());
    // Some file systems' inode numbers exceed 2^53, where two numbers would compare equal: those stay big integers.
    const inode = stat.ino <= MAX_SAFE_INODE ? Number(stat.ino) : stat.ino;
    if (inodes.has(inode)) return true;
    inodes.add(inode);
    return false;
  }
}
const MAX_SAFE_INODE = BigInt(Number.MAX_SAFE_INTEGER);

interface Walk {
  readonly follow: boolean;
  readonly seen: SeenFiles;
  readonly onProblem: ProblemReporter;
}

/**
 * Expands paths (folders recursively, by name) into one opened input per real file. Synchronous, as are the status
 * calls and the whole reads of small files: each takes microseconds, and waiting for the thread pool once per file of
 * a bounce folder took longer than parsing the file; a generator's layers per file were most of the rest.
 */
export function* openInputs(inputs: readonly BounceInput[], onProblem: ProblemReporter, options: WalkOptions = {}): Generator<OpenedInput> {
  const walk: Walk = { follow: options.followSymlinks ?? false, seen: new SeenFiles(), onProblem };
  for (const input of inputs) {
    if ('text' in input) yield { name: input.name, chunks: Readable.from([Buffer.from(input.text, 'utf8')]), modified: input.modified };
    else if ('stream' in input) yield { name: input.name, chunks: toBuffers(input.stream) };
    else {
      const stat = statOrReport(input.path, false, onProblem);
      if (stat) yield* openPath(input.path, stat, true, walk);
    }
  }
}

async function* toBuffers(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

const reason = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** The status of a path (of the link itself when `link`), or undefined after reporting why there is none. */
function statOrReport(file: string, link: boolean, onProblem: ProblemReporter): BigIntStats | undefined {
  try {
    // BigInt: inode numbers of some file systems exceed 2^53, where two numbers would compare equal.
    return link ? lstatSync(file, { bigint: true }) : statSync(file, { bigint: true });
  } catch (error) {
    onProblem(file, `cannot read: ${reason(error)}`, true);
    return undefined;
  }
}

/**
 * Opens a file, or walks a folder. `named`: given as an input, so a FIFO, /dev/fd/N (process substitution) or device
 * is read; found in a walk, only regular files and folders are (a FIFO there could block forever).
 */
function* openPath(file: string, stat: BigIntStats, named: boolean, walk: Walk): Generator<OpenedInput> {
  if (!named && !stat.isFile() && !stat.isDirectory()) {
    walk.onProblem(file, 'not a regular file');
    return;
  }
  if (stat.isDirectory()) {
    if (!walk.seen.seenBefore(stat)) yield* openFolder(file, walk);
    return;
  }
  if (stat.isFile()) {
    const opened = openRegularFile(file, walk);
    if (opened) yield opened;
    return;
  }
  if (walk.seen.seenBefore(stat)) return;
  // A FIFO or a device. Its time says when it was made, not when its text was written.
  yield { name: file, chunks: streamOf(file) };
}

/**
 * A file read as a stream: in 512 KB blocks (fewer trips to the thread pool: 15 % less time on the benchmark log),
 * passed on in 64 KB pieces: those decode to strings V8 allocates in its young generation, while bigger ones (up to
 * about 1 MB) each get pages of their own, which made decoding a log several times slower and its memory larger.
 */
function streamOf(file: string): AsyncIterable<Buffer> {
  return inPieces(createReadStream(file, { highWaterMark: READ_BYTES }));
}

/**
 * Opens a regular file, once: read whole when it is small, else to be read in blocks; undefined when it was seen
 * before or cannot be read (reported). Opened now, so an unreadable file is reported before any of its content is
 * expected; its status is taken from the open file, which saves a call per file of a folder.
 */
function openRegularFile(file: string, walk: Walk): OpenedInput | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const stat = fstatSync(fd, { bigint: true });
    if (walk.seen.seenBefore(stat)) return undefined;
    const modified = Number(stat.mtimeMs);
    if (stat.size > WHOLE_READ_BYTES) return { name: file, chunks: streamOf(file), modified, file: { path: file, size: Number(stat.size) } };
    // A bounce folder is thousands of small files: one read each, instead of a stream's open, reads and close,
    // which left the CLI waiting on the file system for half of its time (npm run bench, corpus eml/bsd).
    const bytes = readWhole(fd, Number(stat.size));
    return { name: file, chunks: onceChunks(bytes), bytes, modified, file: { path: file, size: bytes.length } };
  } catch (error) {
    walk.onProblem(file, `cannot read: ${reason(error)}`, true);
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The bytes of an open file, `size` of them or fewer when it has shrunk since its status was taken. */
function readWhole(fd: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const count = readSync(fd, bytes, filled, size - filled, filled);
    if (count === 0) break;
    filled += count;
  }
  return filled < size ? bytes.subarray(0, filled) : bytes;
}

/** One buffer as a stream of chunks, without a generator's machinery (a folder's small files, one each). */
function onceChunks(bytes: Buffer): AsyncIterableIterator<Buffer> {
  let given = false;
  const chunks: AsyncIterableIterator<Buffer> = {
    [Symbol.asyncIterator]: () => chunks,
    next: async () => {
      if (given) return { done: true, value: undefined };
      given = true;
      return { done: false, value: bytes };
    },
    return: async () => {
      given = true;
      return { done: true, value: undefined };
    },
  };
  return chunks;
}

/** A folder's entry names, sorted, and those that are not regular files (folders, links, others; usually few). */
interface FolderListing {
  readonly names: string[];
  readonly notFiles: Set<string>;
}

/** Lists a folder entry by entry: a name each, not an object (a folder may hold a million files). */
function listFolder(folder: string): FolderListing {
  const names: string[] = [];
  const notFiles = new Set<string>();
  const dir = opendirSync(folder);
  try {
    for (let entry = dir.readSync(); entry; entry = dir.readSync()) {
      names.push(entry.name);
      if (!entry.isFile()) notFiles.add(entry.name);
    }
  } finally {
    dir.closeSync();
  }
  return { names: names.sort(), notFiles };
}

/**
 * The files of a folder and its subfolders, depth first by name; a symlink to a folder only when following links.
 * The folders being walked are a stack, not calls within calls: a folder nested thousands deep overflowed the call
 * stack.
 */
function* openFolder(root: string, walk: Walk): Generator<OpenedInput> {
  const open: { folder: string; listing: FolderListing; next: number }[] = [];
  const enter = (folder: string) => {
    try {
      open.push({ folder, listing: listFolder(folder), next: 0 });
    } catch (error) {
      walk.onProblem(folder, `cannot list folder: ${reason(error)}`, true);
    }
  };
  enter(root);
  while (open.length) {
    const { folder, listing, next } = open[open.length - 1];
    if (next === listing.names.length) {
      open.pop();
      continue;
    }
    open[open.length - 1].next++;
    const name = listing.names[next];
    const child = path.join(folder, name);
    // A regular file as the folder lists it needs no status call of its own before it is opened.
    if (!listing.notFiles.has(name)) {
      const opened = openRegularFile(child, walk);
      if (opened) yield opened;
      continue;
    }
    const link = statOrReport(child, true, walk.onProblem);
    const stat = link?.isSymbolicLink() ? statOrReport(child, false, walk.onProblem) : link;
    if (!stat || (link !== stat && stat.isDirectory() && !walk.follow)) continue;
    if (!stat.isDirectory()) yield* openPath(child, stat, false, walk);
    else if (!walk.seen.seenBefore(stat)) enter(child);
  }
}

/** The chunks cut to at most CHUNK_BYTES each, without copying. */
async function* inPieces(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    for (let start = 0; start < chunk.length; start += CHUNK_BYTES) yield chunk.subarray(start, start + CHUNK_BYTES);
  }
}

/**
 * The first bytes of a stream, `count` of them or all there are when it ends sooner (a pipe's first read can be a
 * single byte), and the whole stream, those bytes included. A read error after some bytes is thrown where it
 * happened, after them, so the text before damage is still scanned. Closing the whole stream closes the source.
 */
export async function peek(chunks: AsyncIterable<Buffer>, count: number): Promise<{ head: Buffer; chunks: AsyncIterableIterator<Buffer> }> {
  const source = chunks[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let size = 0;
  let failure: { error: unknown } | undefined;
  while (size < count) {
    let next;
    try {
      next = await source.next();
    } catch (error) {
      if (size === 0) throw error;
      failure = { error };
      break;
    }
    if (next.done) break;
    taken.push(next.value);
    size += next.value.length;
  }
  const head = taken.length === 1 ? taken[0] : Buffer.concat(taken);
  let headGiven = head.length === 0;
  const whole: AsyncIterableIterator<Buffer> = {
    [Symbol.asyncIterator]: () => whole,
    next: async () => {
      if (!headGiven) {
        headGiven = true;
        return { done: false, value: head };
      }
      if (failure) throw failure.error;
      return source.next();
    },
    return: async () => {
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
  return { head, chunks: whole };
}

/** Whether bytes start as gzip data does (its magic bytes), whatever the file is called. */
const isGzip = (head: Buffer) => head[0] === 0x1f && head[1] === 0x8b;

/**
 * Decompresses gzip content (detected by its magic bytes, whatever the file name) like `gzip -dc`, every member;
 * passes anything else through. `onTrailingGarbage` hears of bytes after the last member that were ignored.
 */
export async function* decompressed(chunks: AsyncIterable<Buffer>, onRawBytes: (count: number) => void, onTrailingGarbage: () => void = () => {}, onCompressed: () => void = () => {}): AsyncGenerator<Buffer> {
  const counted = (async function* () {
    for await (const chunk of chunks) {
      onRawBytes(chunk.length);
      yield chunk;
    }
  })();
  const { head, chunks: raw } = await peek(counted, 2);
  if (isGzip(head)) {
    onCompressed();
    yield* gunzipMembers(raw, onTrailingGarbage);
  }
  else yield* raw;
}

/** UTF-16 by its byte order mark, or by the NUL in every other byte that mostly-ASCII text has in UTF-16. */
export function utf16Encoding(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const units = Math.min(head.length, SNIFF_BYTES) >> 1;
  // Most inputs have no zero byte at all: one search tells.
  if (units < 2 || !head.subarray(0, units * 2).includes(0)) return undefined;
  let highZero = 0;
  let lowZero = 0;
  for (let unit = 0; unit < 2 * units; unit += 2) {
    // A NUL character (both bytes zero) is binary content, not text.
    if (head[unit] === 0 && head[unit + 1] === 0) return undefined;
    if (head[unit] === 0) highZero++;
    if (head[unit + 1] === 0) lowZero++;
  }
  // Three units in four: room for accented letters and other scripts among the ASCII of a log.
  if (lowZero * 4 >= units * 3 && highZero === 0) return 'utf-16le';
  if (highZero * 4 >= units * 3 && lowZero === 0) return 'utf-16be';
  return undefined;
}

/** UTF-16 text re-encoded as UTF-8 (byte order mark dropped), so its lines split like any other log's. */
async function* utf8From(chunks: AsyncIterable<Buffer>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest) yield Buffer.from(rest, 'utf8');
}

/** What an input holds, once decompressed and decoded: its kind and its bytes (UTF-8 for a UTF-16 input). */
export interface InputContent {
  readonly kind: ContentKind;
  /** Closing it (return) closes the input. */
  readonly chunks: AsyncIterableIterator<Buffer>;
  /** The regular file whose bytes the content is as they are (neither compressed nor UTF-16). */
  readonly file?: { readonly path: string; readonly size: number };
  /** The whole content, when it is a small file's bytes as they are: a reader can take it at once. */
  readonly bytes?: Buffer;
}

/**
 * Decompresses and sniffs an input from its first SNIFF_BYTES bytes; undefined, after reporting why and closing
 * the input, when it is empty or binary.
 */
export async function inputContent(input: OpenedInput, onRawBytes: (count: number) => void, onProblem: ProblemReporter): Promise<InputContent | undefined> {
  const whole = input.bytes;
  // A small file's bytes as they are (most of a folder's) are sniffed at once, without the layers below.
  if (whole && !isGzip(whole) && whole[0] !== 0 && !utf16Encoding(whole)) {
    onRawBytes(whole.length);
    const kind = whole.length ? sniffKind(whole) : undefined;
    if (kind) return { kind, chunks: onceChunks(whole), file: input.file, bytes: whole };
    onProblem(input.name, whyNotRead(whole, 0));
    return undefined;
  }
  const trailingGarbage = () => onProblem(input.name, 'trailing garbage after the compressed data ignored, as gzip -dc does; the text before it was scanned');
  let compressed = false;
  let { head, chunks } = await peek(decompressed(input.chunks, onRawBytes, trailingGarbage, () => { compressed = true; }), SNIFF_BYTES);
  const encoding = utf16Encoding(head);
  if (encoding) ({ head, chunks } = await peek(utf8From(chunks, encoding), SNIFF_BYTES));
  let nulsSkipped = 0;
  if (head[0] === 0) {
    ({ head, chunks } = await peek(withoutLeadingNuls(chunks, (count) => { nulsSkipped = count; }), SNIFF_BYTES));
  }
  const kind = head.length ? sniffKind(head) : undefined;
  if (!kind) {
    await chunks.return?.();
    onProblem(input.name, whyNotRead(head, nulsSkipped));
    return undefined;
  }
  if (nulsSkipped) onProblem(input.name, `${nulsSkipped.toLocaleString('en')} NUL bytes at the start skipped (a hole that log rotation with copytruncate, or a crash, leaves); what follows was scanned`);
  return { kind, chunks, file: compressed || encoding || nulsSkipped > 0 ? undefined : input.file };
}

/** Why content is not read: `head` its first bytes after `nulsSkipped` NULs, empty when there were no others. */
function whyNotRead(head: Buffer, nulsSkipped: number): string {
  if (head.length) return unreadableContent(head);
  if (nulsSkipped > MAX_LEADING_NULS) return `nothing but NUL bytes in its first ${MAX_LEADING_NULS >> 20} MB, skipped`;
  return nulsSkipped ? 'nothing but NUL bytes, skipped' : 'empty, nothing to scan';
}

/** Leading NULs skipped past a stream's first other byte. */
const MAX_LEADING_NULS = 1 << 30;

/** The chunks without the run of NULs they start with, whose length `onSkipped` hears; nothing past
 * MAX_LEADING_NULS of them (a device that gives NULs for ever). */
async function* withoutLeadingNuls(chunks: AsyncIterable<Buffer>, onSkipped: (count: number) => void): AsyncGenerator<Buffer> {
  const zeros = Buffer.alloc(1 << 16);
  let skipped = 0;
  let inRun = true;
  for await (const chunk of chunks) {
    if (!inRun) {
      yield chunk;
      continue;
    }
    let first = 0;
    // Whole blocks compared with zeros (memcmp), the last one byte by byte.
    while (first < chunk.length && chunk.subarray(first, first + zeros.length).equals(zeros.subarray(0, Math.min(zeros.length, chunk.length - first)))) first += zeros.length;
    while (first < chunk.length && chunk[first] === 0) first++;
    skipped += Math.min(first, chunk.length);
    onSkipped(skipped);
    if (first >= chunk.length) {
      if (skipped > MAX_LEADING_NULS) return;
      continue;
    }
    inRun = false;
    yield chunk.subarray(first);
  }
}

/** How a run of reading goes: where it walks, when it stops, what it tells of its progress. */
export interface ReadOptions extends WalkOptions {
  readonly signal?: AbortSignal;
  /** Raw (compressed) bytes read so far, called per chunk. */
  readonly onProgress?: (rawBytes: number) => void;
}

/** The longest time inputs are read without a turn of the event loop. */
const TURN_MS = 50;

/**
 * Opens every input (folders walked), decompresses and sniffs each and hands its content to `read`, one input at a
 * time; returns how many inputs were opened. A read error or damaged compressed data is reported as a problem of
 * that input after the part before it was read; cancellation is thrown as ExtractionCancelled.
 */
export async function readContents(
  inputs: readonly BounceInput[], problem: ProblemReporter, options: ReadOptions,
  read: (input: OpenedInput, content: InputContent, readOf: (rawBytes: number) => void) => Promise<void>,
): Promise<number> {
  let files = 0;
  let rawBytes = 0;
  let turn = Date.now();
  for (const input of openInputs(inputs, problem, options)) {
    // Small files are read without a wait: the event loop gets a turn now and then (progress, cancellation, an
    // editor's other work).
    if (Date.now() - turn > TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      turn = Date.now();
    }
    if (options.signal?.aborted) throw new ExtractionCancelled();
    files++;
    const countRaw = (count: number) => { rawBytes += count; options.onProgress?.(rawBytes); };
    // For a reader that reads the input again from its start (logWorkers.ts): how much of it is read by now.
    const before = rawBytes;
    const readOf = (count: number) => { rawBytes = before + count; options.onProgress?.(rawBytes); };
    let content;
    try {
      content = await inputContent(input, countRaw, problem);
      if (content) await read(input, content, readOf);
    } catch (error) {
      if (error instanceof ExtractionCancelled) throw error;
      problem(input.name, error instanceof CompressedDataError
        ? `read error: truncated or corrupt compressed data (${error.message}); the lines before it were scanned`
        : `read error: ${(error as Error).message}`, true);
    } finally {
      await content?.chunks.return?.();
    }
  }
  return files;
}

/** How fileBlocks reads. */
export interface FileBlockOptions {
  /** The size of a block (the last may be shorter). */
  readonly blockBytes: number;
  /** Blocks the caller is done with (of this or another fileBlocks with the same blockBytes): the next blocks are read
   * into them rather than into new buffers. */
  readonly spare?: Buffer[];
  /** Each block read with a blocking call when it is asked for, not on the thread pool ahead of time: for a process
   * that waits for nothing else (the CLI). */
  readonly blocking?: boolean;
}

/**
 * A regular file's bytes from `start` in blocks. Each block is a buffer of its own or one taken out of `spare`: a
 * caller that puts each block back there once done with it has the file read into the same few buffers. Fresh memory
 * is mapped and zeroed by the kernel page by page as a read fills it, which made reading 136 MB into new 4 MB blocks
 * take 2-3 times as long (docs/benchmarks.md, trace). Unless `blocking`, the next block is read (on the thread pool)
 * while the caller works on the one before. For a reader that takes blocks of a file that inputContent found plain
 * (trace/grep.ts), rather than the stream's pieces.
 */
export async function* fileBlocks(file: string, start: number, options: FileBlockOptions): AsyncGenerator<Buffer> {
  const { blockBytes, spare = [] } = options;
  const buffer = () => {
    const reused = spare.pop()?.buffer;
    return reused && reused.byteLength >= blockBytes ? Buffer.from(reused, 0, blockBytes) : Buffer.allocUnsafeSlow(blockBytes);
  };
  if (options.blocking) {
    const fd = openSync(file, 'r');
    try {
      for (let position = start; ;) {
        const block = buffer();
        const bytesRead = readSync(fd, block, 0, blockBytes, position);
        if (bytesRead === 0) return;
        position += bytesRead;
        yield block.subarray(0, bytesRead);
      }
    } finally {
      closeSync(fd);
    }
  }
  const handle = await fs.open(file, 'r');
  const readAt = async (position: number) => {
    const block = buffer();
    const { bytesRead } = await handle.read(block, 0, blockBytes, position);
    return block.subarray(0, bytesRead);
  };
  let next = readAt(start);
  try {
    for (let position = start; ;) {
      const block = await next;
      if (block.length === 0) return;
      position += block.length;
      next = readAt(position);
      yield block;
    }
  } finally {
    // A read still going when the caller stops: its result or error is of no use.
    await next.catch(() => undefined);
    await handle.close();
  }
}

/** A "line" longer than this is passed on in pieces of this size, each with the line's number. */
export const MAX_LINE_BYTES = 4 << 20;

const HEADER_LINE = /^[A-Za-z][!-9;-~]*:/;

/** Decides from the first bytes whether the content is a log, one message or an mbox; undefined for binary. */
export function sniffKind(head: Buffer): ContentKind | undefined {
  const text = head.subarray(0, 4096).toString('latin1').replace(/^[\s\0]+/, '');
  if (/^From \S/.test(text)) return 'mbox';
  const lines = text.split(/\r\n|\r|\n/).slice(0, 5);
  // A message may carry a stray NUL in a body part.
  if (HEADER_LINE.test(lines[0]) && lines.slice(0, 3).filter((line) => HEADER_LINE.test(line) || /^[ \t]/.test(line)).length >= Math.min(2, lines.length)) return 'message';
  const sniffed = head.subarray(0, SNIFF_BYTES);
  return !sniffed.includes(0) || isTextBesideNuls(sniffed) ? 'log' : undefined;
}

/**
 * Whether bytes that hold NULs are text apart from them: lines of printable ASCII. A log written when the system
 * went down often has a block of NULs where its last lines were (the file's size was written, its data not); the lines
 * after it, and before, are still the log. Binary files (images, executables, other compressions) have as many
 * control and high bytes as printable ones.
 */
function isTextBesideNuls(bytes: Buffer): boolean {
  let other = 0;
  let printable = 0;
  let lineEnds = 0;
  for (const byte of bytes) {
    if (byte === 0) continue;
    if (byte === 10 || byte === 13) lineEnds++;
    else if ((byte >= 0x20 && byte < 0x7f) || byte === 9) printable++;
    else other++;
  }
  return lineEnds > 0 && printable >= 64 && other * 20 <= printable;
}

/** Compressions other than gzip, by their magic bytes: what to tell of a file that is not read. */
const OTHER_COMPRESSIONS: readonly (readonly [string, readonly number[]])[] = [
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
];

/** Why content that is neither a log nor a message is not read. */
function unreadableContent(head: Buffer): string {
  const compression = OTHER_COMPRESSIONS.find(([, magic]) => magic.every((byte, index) => head[index] === byte));
  return compression
    ? `${compression[0]}-compressed: only gzip is decompressed here; decompress it first (for example ${compression[0] === 'zip' || compression[0] === '7z' ? 'unzip or 7z' : `${compression[0]} -dc FILE`} | smtp-diag extract -), skipped`
    : 'binary content (not a text log or message), skipped';
}

/** A batch of decoded lines. `continued`: the last one was cut for its length, and the next batch's first line is
 * its continuation. */
export interface LineBatch {
  readonly lines: string[];
  readonly continued: boolean;
}

/** How many bytes at the start are whole UTF-8 characters: a character cut at the end is left out. */
export function wholeUtf8Length(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue;
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return size > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

const LINE_SEPARATOR = /[\u2028\u2029]/;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/** Log text of UTF-8 bytes [start, end): U+2028 and U+2029 read as spaces, as linesOf reads them, and the NULs it
 * starts with left out (a hole that a crash left before the first line written after it). */
export function decodeLogText(bytes: Buffer, start: number, end: number): string {
  while (bytes[start] === 0 && start < end) start++;
  const text = bytes.toString('utf8', start, end);
  // As many characters as bytes: all ASCII, no separator (which takes three bytes); the test is skipped.
  return text.length !== end - start && LINE_SEPARATOR.test(text) ? text.replace(LINE_SEPARATORS, ' ') : text;
}

/**
 * Splits chunks into lines on LF, CRLF or bare CR. Each chunk is decoded only up to its last line break, so a
 * UTF-8 character split across chunks stays whole; a CR that ends a chunk swallows an LF that starts the next.
 * `encoding` is utf8 for logs and latin1 (byte-preserving) for messages. U+2028 and U+2029 end no log line: they
 * are read as spaces, since a recognizer's "." stops at them (and "\s" matches them already).
 */
export async function* linesOf(chunks: AsyncIterable<Buffer>, encoding: 'utf8' | 'latin1', signal?: AbortSignal): AsyncGenerator<LineBatch> {
  // The start of a line that has no end yet, kept as the chunks it came in and joined once: joining at every chunk
  // moved the line's bytes again for each chunk, in time the square of a long line's length.
  let carry: Buffer[] = [];
  let carried = 0;
  const keep = (bytes: Buffer) => { if (bytes.length) { carry.push(bytes); carried += bytes.length; } };
  const takeCarry = (tail?: Buffer) => {
    const joined = Buffer.concat(tail ? [...carry, tail] : carry, carried + (tail?.length ?? 0));
    carry = [];
    carried = 0;
    return joined;
  };
  let skipLeadingLf = false;
  const decode = (bytes: Buffer, start: number, end: number) => (encoding === 'utf8' ? decodeLogText(bytes, start, end) : bytes.toString(encoding, start, end));
  // Most logs have no CR at all: a plain split is several times faster than the regex.
  const split = (text: string) => (text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n'));
  for await (const chunk of chunks) {
    if (signal?.aborted) throw new ExtractionCancelled();
    // A chunk after one that ended in CR starts a line: nothing is carried.
    const bytes = skipLeadingLf && chunk[0] === 10 ? chunk.subarray(1) : chunk;
    skipLeadingLf = false;
    const cut = Math.max(bytes.lastIndexOf(10), bytes.lastIndexOf(13));
    if (cut < 0) {
      keep(bytes);
      // A "line" this long is not a log line (minified data, a binary without NULs): pass it on in pieces so memory
      // stays bounded instead of growing until a line break that may never come. A piece ends on a whole character.
      if (carried > MAX_LINE_BYTES) {
        const joined = takeCarry();
        const whole = encoding === 'utf8' ? wholeUtf8Length(joined) : joined.length;
        yield { lines: [decode(joined, 0, whole)], continued: true };
        keep(Buffer.from(joined.subarray(whole)));
      }
      continue;
    }
    const end = bytes[cut] === 10 && bytes[cut - 1] === 13 ? cut - 1 : cut;
    if (carried === 0) yield { lines: split(decode(bytes, 0, end)), continued: false };
    else {
      // Only the line the carry begins is joined and decoded apart: copying every chunk behind its carry would
      // double the bytes moved.
      const lf = bytes.indexOf(10);
      const cr = bytes.indexOf(13);
      const first = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      const lines = split(decode(bytes, first, end));
      const joined = takeCarry(bytes.subarray(0, first));
      lines[0] = decode(joined, 0, joined.length);
      yield { lines, continued: false };
    }
    keep(Buffer.from(bytes.subarray(cut + 1)));
    if (bytes[cut] === 13 && cut === bytes.length - 1) skipLeadingLf = true;
  }
  if (carried) {
    const last = takeCarry();
    yield { lines: [decode(last, 0, last.length)], continued: false };
  }
}
