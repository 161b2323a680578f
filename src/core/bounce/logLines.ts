// A log's bytes cut into numbered lines, as fast as V8 allows: each run of whole lines is decoded in pieces of about
// 64 KB (one call each, ASCII at memory speed) and split there, so a line costs a slice of a piece, never a call of
// its own. Measured on the benchmark's 142 MB log (docs/benchmarks.md): decoding and splitting everything takes
// 45 ms of CPU, while each Buffer.indexOf pass for a marker such as "status=" takes 50-80 ms, so finding candidate
// lines in the bytes first would cost more than the strings it saves.
//
// Lines end at LF, CRLF or a bare CR. U+2028 and U+2029 end no line: they are read as spaces, since a recognizer's
// "." stops at them. A line longer than MAX_LINE_BYTES (minified data, a binary without NULs) is passed on in pieces
// of at most that many bytes, each ending on a whole character and counted from the line's start, so the pieces are
// the same however the bytes arrive (in stream chunks, or in a worker's byte range); its pieces share its number.
import { decodeLogText, MAX_LINE_BYTES, wholeUtf8Length } from './input';

/** Bytes decoded into one string: bigger strings (up to about 1 MB) each got pages of their own in V8, which made
 * decoding a log several times slower and its memory larger. */
const PIECE_BYTES = 1 << 16;
const LF = 10;
const CR = 13;
const LINE_BREAK = /\r\n|\r|\n/;

/** Receives each line that is not blank (or piece of a line over MAX_LINE_BYTES) with its 1-based number. */
export type LineHandler = (text: string, line: number) => void;

/** The first LF or CR in bytes[from, end), or -1. Only called past a window without a break (a long line). */
function nextBreak(bytes: Buffer, from: number, end: number): number {
  const lf = bytes.indexOf(LF, from);
  const stop = lf >= 0 && lf < end ? lf : end;
  const cr = bytes.indexOf(CR, from);
  if (cr >= 0 && cr < stop) return cr;
  return stop < end ? stop : -1;
}

/**
 * Cuts bytes into lines. `scan` takes a run of bytes and passes on every line that ends in it; the caller keeps the
 * bytes from the returned position (an unfinished line) and hands them again, followed by more, on the next call.
 */
export class LogLineSplitter {
  /** Lines begun so far (the last may still be open). */
  line = 0;
  /** The line being read already gave a piece: its next piece keeps its number. */
  private open = false;
  /** The last run ended with a CR: an LF opening the next run belongs to it. */
  private skipLf = false;

  /** Where the line being passed on lies in the bytes being scanned, when it was decoded alone (-1 in a piece). */
  private lineStart = -1;
  private lineEnd = -1;
  /** The piece being passed on, line by line: its bytes, its text's end, and the line's place in it. */
  private piece: { bytes: Buffer; start: number; textEnd: number; ascii: boolean; index: number; charAt: number; bounds?: number[] } | undefined;

  constructor(private readonly onLine: LineHandler) {}

  private emit(text: string): void {
    if (!this.open) this.line++;
    this.open = false;
    // A blank line reports nothing in any log format: it is counted, not passed on (a file of nothing but line
    // breaks took 35 s for 200 MB).
    if (text.length > 0) this.onLine(text, this.line);
  }

  private emitAlone(bytes: Buffer, start: number, end: number): void {
    this.lineStart = start;
    this.lineEnd = end;
    this.emit(decodeLogText(bytes, start, end));
  }

  /**
   * Where the line being passed on lies in the bytes being scanned: [start, end), without its line break. Called
   * from the line handler (for the few lines a worker must be able to read again); a piece's line positions are
   * worked out only then.
   */
  currentLineBytes(): [number, number] {
    const piece = this.piece;
    if (!piece) return [this.lineStart, this.lineEnd];
    if (piece.ascii) return [piece.start + piece.charAt, piece.start + piece.charAt + this.lineLength];
    if (!piece.bounds) {
      const bounds: number[] = [];
      let lineStart = piece.start;
      for (let at = piece.start; at < piece.textEnd; at++) {
        const byte = piece.bytes[at];
        if (byte !== LF && byte !== CR) continue;
        bounds.push(lineStart, at);
        if (byte === CR && piece.bytes[at + 1] === LF && at + 1 < piece.textEnd) at++;
        lineStart = at + 1;
      }
      bounds.push(lineStart, piece.textEnd);
      piece.bounds = bounds;
    }
    return [piece.bounds[2 * piece.index], piece.bounds[2 * piece.index + 1]];
  }

  /** Length of the line being passed on from a piece (in characters, which an ASCII piece has as many as bytes). */
  private lineLength = 0;

  /** Passes on a line of more than MAX_LINE_BYTES, in pieces counted from its start; returns where the last piece
   * starts when the line is unfinished (`complete` false), the line's end otherwise. */
  private longLine(bytes: Buffer, start: number, end: number, complete: boolean): number {
    let at = start;
    while (end - at > MAX_LINE_BYTES) {
      const cut = at + wholeUtf8Length(bytes.subarray(at, at + MAX_LINE_BYTES));
      this.emitAlone(bytes, at, cut);
      this.open = true;
      at = cut;
    }
    if (!complete) return at;
    this.emitAlone(bytes, at, end);
    return end;
  }

  /**
   * Passes on the lines of bytes[start, end). `final`: no bytes follow, so an unfinished last line is a line.
   * Returns the position of the first byte not consumed (the start of an unfinished line, or `end`).
   */
  scan(bytes: Buffer, start: number, end: number, final: boolean): number {
    let at = start;
    if (this.skipLf && at < end) {
      this.skipLf = false;
      if (bytes[at] === LF) at++;
    }
    while (at < end) {
      // A piece: whole lines, ending at the last line break before PIECE_BYTES.
      const limit = Math.min(end, at + PIECE_BYTES);
      let last = bytes.lastIndexOf(LF, limit - 1);
      if (last < at) last = bytes.lastIndexOf(CR, limit - 1);
      if (last < at) {
        // No break in the window: one line of at least PIECE_BYTES, or the unfinished end of the run.
        const lineEnd = nextBreak(bytes, limit, end);
        if (lineEnd < 0) {
          if (!final) return end - at > MAX_LINE_BYTES ? this.longLine(bytes, at, end, false) : at;
          this.longLine(bytes, at, end, true);
          return end;
        }
        last = lineEnd;
        if (lineEnd - at > MAX_LINE_BYTES) this.longLine(bytes, at, lineEnd, true);
        else this.emitAlone(bytes, at, lineEnd);
      } else {
        const textEnd = bytes[last] === LF && last > at && bytes[last - 1] === CR ? last - 1 : last;
        const text = decodeLogText(bytes, at, textEnd);
        const withCr = text.includes('\r');
        const lines = withCr ? text.split(LINE_BREAK) : text.split('\n');
        const piece = { bytes, start: at, textEnd, ascii: !withCr && text.length === textEnd - at, index: 0, charAt: 0 };
        this.piece = piece;
        for (let index = 0; index < lines.length; index++) {
          const line = lines[index];
          piece.index = index;
          this.lineLength = line.length;
          this.emit(line);
          piece.charAt += line.length + 1;
        }
        this.piece = undefined;
      }
      at = last + 1;
      if (bytes[last] === CR) {
        if (at < end) {
          if (bytes[at] === LF) at++;
        } else if (!final) this.skipLf = true;
      }
    }
    return at;
  }
}

/**
 * Feeds chunks of any size to a splitter: the bytes of an unfinished line are copied aside and joined to the next
 * chunk's first line only, so each byte is copied at most once more (a line of several chunks is joined once).
 */
export class LogChunkFeeder {
  readonly splitter: LogLineSplitter;
  private pending = Buffer.allocUnsafe(0);
  private pendingLength = 0;

  constructor(onLine: LineHandler) {
    this.splitter = new LogLineSplitter(onLine);
  }

  get lines(): number {
    return this.splitter.line;
  }

  private keep(bytes: Buffer, start: number, end: number): void {
    const needed = this.pendingLength + end - start;
    if (needed > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.pending.length, 4096));
      this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    bytes.copy(this.pending, this.pendingLength, start, end);
    this.pendingLength = needed;
  }

  /** Scans the kept bytes; keeps what stays unfinished. */
  private scanPending(final: boolean): void {
    const consumed = this.splitter.scan(this.pending, 0, this.pendingLength, final);
    this.pending.copyWithin(0, consumed, this.pendingLength);
    this.pendingLength -= consumed;
  }

  push(chunk: Buffer): void {
    let from = 0;
    if (this.pendingLength > 0) {
      const lf = chunk.indexOf(LF);
      const cr = chunk.indexOf(CR);
      const first = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (first < 0) {
        this.keep(chunk, 0, chunk.length);
        if (this.pendingLength > MAX_LINE_BYTES) this.scanPending(false);
        return;
      }
      this.keep(chunk, 0, first + 1);
      this.scanPending(false);
      from = first + 1;
    }
    const consumed = this.splitter.scan(chunk, from, chunk.length, false);
    this.keep(chunk, consumed, chunk.length);
  }

  end(): void {
    this.scanPending(true);
  }
}
