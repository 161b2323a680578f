// The lines of an input that hold one of a few strings, found in the bytes as grep finds them: only those lines are
// decoded. A trace reads a whole log for the handful of lines of one message; decoding and splitting every line took
// most of its time. Lines are numbered as linesOf (src/core/bounce/input.ts) numbers them: LF, CRLF and a bare CR
// end a line, and a line longer than MAX_LINE_BYTES comes in pieces that keep its number.
import { decodeLogText, ExtractionCancelled, MAX_LINE_BYTES, wholeUtf8Length } from '../bounce/input';
import { BlockSearch, type BlockSearchOptions } from './byteSearch';

export interface FoundLine {
  readonly text: string;
  /** 1-based. */
  readonly line: number;
}

const LF = 10;
const CR = 13;

/** Line ends in bytes[from, to) (the block `search` uses): LF, a CR not followed by LF (a CR ending the range counts:
 * its LF, if any, is the next chunk's and is skipped there). */
function countLineEnds(search: BlockSearch, bytes: Buffer, from: number, to: number, hasCr: boolean): number {
  if (!hasCr) return search.count(LF, from, to);
  let count = 0;
  for (let at = from; at < to; at++) {
    const byte = bytes[at];
    if (byte === LF || (byte === CR && bytes[at + 1] !== LF)) count++;
  }
  return count;
}

/** Where the line holding `at` starts: after the last line end before it, not before `floor`. */
function lineStart(bytes: Buffer, at: number, floor: number, hasCr: boolean): number {
  const end = hasCr ? Math.max(bytes.lastIndexOf(LF, at), bytes.lastIndexOf(CR, at)) : bytes.lastIndexOf(LF, at);
  return Math.max(end + 1, floor);
}

/** Where the line holding `at` ends (its line end's offset); `limit` when none comes before it. */
function lineEnd(bytes: Buffer, at: number, limit: number, hasCr: boolean): number {
  const lf = bytes.indexOf(LF, at);
  const cr = hasCr ? bytes.indexOf(CR, at) : -1;
  const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
  return end < 0 || end > limit ? limit : end;
}

/** The offset of the first line end (LF or CR) in bytes, or -1. */
function firstLineEnd(bytes: Buffer): number {
  const lf = bytes.indexOf(LF);
  const cr = (lf < 0 ? bytes : bytes.subarray(0, lf)).indexOf(CR);
  return cr < 0 ? lf : cr;
}

/** A region of complete lines already searched, kept for needles added later. */
interface Searched {
  readonly bytes: Buffer;
  /** The region is bytes[0, end): it ends with a line end. */
  readonly end: number;
  /** The number of its first line. */
  readonly line: number;
  readonly hasCr: boolean;
  /** The chunk that holds the bytes, given back to the reader once the region leaves the window; none for a copy. */
  readonly chunk?: Buffer;
}

/**
 * The lines of bytes[0, cut] (cut: the offset of a line end) that hold one of `needles`, the first numbered `line`;
 * lines that hold one of `skip` are left out (they were given before). Each needle's next place is remembered, so a
 * rare needle beside a frequent one is not searched for again from every hit. Returns the lines and the number of
 * the line after the region.
 */
function searchRegion(search: BlockSearch, region: Searched, needles: readonly Buffer[], skip: readonly Buffer[] = []): { found: FoundLine[]; next: number } {
  const { bytes, hasCr } = region;
  search.use(bytes);
  const cut = region.end - 1;
  const next = needles.map(() => -2);
  const found: FoundLine[] = [];
  let line = region.line;
  // `position` is always a line start; `line` its number.
  let position = 0;
  for (;;) {
    let hit = -1;
    for (let index = 0; index < needles.length; index++) {
      if (next[index] !== -1 && next[index] < position) next[index] = search.indexOf(needles[index], position);
      if (next[index] >= 0 && next[index] < cut && (hit < 0 || next[index] < hit)) hit = next[index];
    }
    if (hit < 0) break;
    const start = lineStart(bytes, hit, position, hasCr);
    const end = lineEnd(bytes, hit, cut, hasCr);
    line += countLineEnds(search, bytes, position, start, hasCr);
    const holds = (needle: Buffer) => bytes.subarray(start, end).includes(needle);
    if (!skip.some(holds)) found.push({ text: decodeLogText(bytes, start, end), line });
    position = bytes[end] === CR && bytes[end + 1] === LF ? end + 2 : end + 1;
    line++;
    if (position > cut) break;
  }
  if (position <= cut) line += countLineEnds(search, bytes, position, cut + 1, hasCr);
  return { found, next: line };
}

/** What the search yields: lines holding a needle, in order, and whether the window still reaches the input's start. */
export interface FoundBatch {
  readonly lines: FoundLine[];
  /** The window of recent bytes kept for needles added later covers the input from its first byte. */
  readonly windowFromStart: boolean;
}

export interface LinesHoldingOptions extends BlockSearchOptions {
  /** Called with each chunk once nothing of the search refers to it (it left the window): the reader may fill it
   * again (fileBlocks' `spare`). */
  readonly release?: (chunk: Buffer) => void;
}

/**
 * The lines of UTF-8 `chunks` that hold one of `needles`, in batches. The caller may add needles between batches: the
 * last `windowBytes` already read are then searched for the new ones (their lines come first in the next batch, in
 * order, without lines already given), and the rest of the input for all.
 */
export async function* linesHolding(chunks: AsyncIterable<Buffer>, needles: readonly Buffer[], signal?: AbortSignal, windowBytes = 0, options: LinesHoldingOptions = {}): AsyncGenerator<FoundBatch> {
  const release = options.release ?? (() => {});
  // The start of the line that has no end yet, kept as the chunks it came in and joined once its end comes.
  let carry: Buffer[] = [];
  let carried = 0;
  let line = 1;
  let skipLeadingLf = false;
  const window: Searched[] = [];
  let windowSize = 0;
  let windowFromStart = true;
  let known = needles.length;
  const search = new BlockSearch(options);
  /** Lines of the window that hold needles added since the last batch. */
  const earlier = (): FoundLine[] => {
    if (needles.length === known) return [];
    const added = needles.slice(known);
    const old = needles.slice(0, known);
    known = needles.length;
    return window.flatMap((region) => searchRegion(search, region, added, old).found);
  };
  /** The lines of bytes[0, cut] (cut: a line end) that hold a needle; the region is kept in the window. `hasCr`:
   * whether bytes may hold a CR. */
  const searchPart = (bytes: Buffer, cut: number, hasCr: boolean, chunk?: Buffer): FoundLine[] => {
    const region: Searched = { bytes, end: cut + 1, line, hasCr, chunk };
    const { found, next } = searchRegion(search, region, needles);
    line = next;
    if (windowBytes > 0) {
      window.push(region);
      windowSize += region.end;
      while (windowSize > windowBytes && window.length > 1) {
        const left = window.shift()!;
        windowSize -= left.end;
        windowFromStart = false;
        if (left.chunk) release(left.chunk);
      }
    } else if (chunk) release(chunk);
    return found;
  };
  for await (const chunk of chunks) {
    if (signal?.aborted) throw new ExtractionCancelled();
    const before = earlier();
    const fresh = skipLeadingLf && chunk[0] === LF ? chunk.subarray(1) : chunk;
    skipLeadingLf = false;
    // Each search for a byte that is not there reads the whole chunk: the last CR is looked for once.
    const lastCr = fresh.lastIndexOf(CR);
    const freshCut = Math.max(fresh.lastIndexOf(LF), lastCr);
    if (freshCut < 0) {
      // A copy: the chunk may be filled again once released.
      carry.push(Buffer.from(fresh));
      carried += fresh.length;
      release(chunk);
      if (before.length) yield { lines: before, windowFromStart };
      if (carried <= MAX_LINE_BYTES) continue;
      // A line this long comes in pieces, as linesOf gives it; a needle across two pieces is not found.
      const piece = Buffer.concat(carry, carried);
      const whole = wholeUtf8Length(piece);
      if (needles.some((needle) => piece.subarray(0, whole).includes(needle))) yield { lines: [{ text: decodeLogText(piece, 0, whole), line }], windowFromStart };
      carry = [Buffer.from(piece.subarray(whole))];
      carried = carry[0].length;
      continue;
    }
    // The line carried over is joined with its end alone, not with the whole chunk (a copy of every byte read).
    const headEnd = carried ? firstLineEnd(fresh) : -1;
    const headStop = headEnd < 0 ? 0 : fresh[headEnd] === CR && fresh[headEnd + 1] === LF ? headEnd + 2 : headEnd + 1;
    const found: FoundLine[] = [];
    if (headStop > 0) {
      const head = Buffer.concat([...carry, fresh.subarray(0, headStop)], carried + headStop);
      for (const line of searchPart(head, head.length - 1, head.includes(CR))) found.push(line);
    }
    carry = [];
    carried = 0;
    if (freshCut + 1 < fresh.length) {
      carry = [Buffer.from(fresh.subarray(freshCut + 1))];
      carried = carry[0].length;
    } else if (fresh[freshCut] === CR) skipLeadingLf = true;
    // The chunk is kept (and released when it leaves the window) with the region of its own bytes, if there is one.
    if (headStop <= freshCut) {
      const rest = headStop ? fresh.subarray(headStop) : fresh;
      // Not pushed as arguments: a block of short lines may hold hundreds of thousands.
      for (const line of searchPart(rest, freshCut - headStop, lastCr >= headStop, chunk)) found.push(line);
    } else release(chunk);
    if (before.length || found.length) yield { lines: [...before, ...found], windowFromStart };
  }
  const before = earlier();
  if (before.length) yield { lines: before, windowFromStart };
  const last = Buffer.concat(carry, carried);
  if (last.length && needles.some((needle) => last.includes(needle))) yield { lines: [{ text: decodeLogText(last, 0, last.length), line }], windowFromStart };
  // Needles added for the last line: the window is searched once more.
  const after = earlier();
  if (after.length) yield { lines: after, windowFromStart };
}
