// One big log file read on all cores. The file is cut at line starts into byte ranges; this thread counts each range's
// lines, so that every thread numbers its lines as the whole file does, then it and the workers (logWorker.ts) claim
// ranges in turn and read them, and this thread merges the results in order (logScan.ts). A range no worker gave a
// result for (a worker that could not start, or died) is read here.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BouncePolicy } from '../knowledge/types';
import type { InputDates } from './eventTime';
import { ExtractionCancelled } from './input';
import { AHEAD_SLOT, aheadFor, CLAIM_SLOT, countedSlot, MERGED_SLOT } from './rangeTurns';
import { LogRange, RangeBatch, RangeEnd, RangeMerger, RangeMessage, scanRange, transferablesOf } from './logScan';
import type { EventClassifier, EventTaker } from './run';

/** A byte count set in the environment (benchmarks), or undefined. */
function envBytes(name: string): number | undefined {
  const value = Number(process.env[name]);
  return process.env[name] && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * A log smaller than `minBytes` is read on one thread. A worker compiles the engine anew (V8 shares no optimized code
 * between isolates: 0.3-0.5 s of CPU), and the journal and the merge add about a third to the work: on 2 cores two
 * threads only caught up with one at about 300 MB (2 M lines of the benchmark log), and were 1.1-1.2 times as fast
 * from 700 MB on (docs/benchmarks.md). Ranges are about `rangeBytes` big, and at least one per thread: a worker that
 * the machine slows down takes fewer of them, while each range costs its merge and the lines read again at its start.
 * Tests make both small, to put range boundaries between any two lines.
 */
export const rangeSizes = { minBytes: envBytes('SMTP_DIAG_PARALLEL_MIN_BYTES') ?? 512 << 20, rangeBytes: 16 << 20 };
/** What reading on all cores did since the module was loaded: files, ranges, ranges read again whole here, and ranges
 * read here alone once the merge was found to be the bound. */
export const readsSoFar = { files: 0, ranges: 0, readAgain: 0, readAlone: 0 };

/**
 * When a merged range made more than `rowsPerMb` new records' rows a megabyte of log (and at least `minRows`), the
 * merge is most of the work: each new failed address costs this thread a row in the store, and past its budget a row
 * in a run, while the workers wait for their turn with their results in memory. On a log of nothing but distinct
 * failures (2,600 new addresses a MB) two threads took 1.3 times as long as one, with 1.7 times the memory (262-276 MB
 * against 155-164 MB); the benchmark's log makes 220 a MB. Tests lower the bounds.
 */
export const mergeBound = { rowsPerMb: 1000, minRows: 2000 };

function isMergeBound(rowsMade: number, range: LogRange): boolean {
  return rowsMade >= mergeBound.minRows && rowsMade > ((range.end - range.start) / 1048576) * mergeBound.rowsPerMb;
}
const BLOCK_BYTES = 1 << 19;

const LF = 10;
const CR = 13;

/** Bytes a batch holds: its texts (two a character, as V8 may keep them) and its typed arrays. */
function batchBytes(batch: RangeBatch): number {
  return 2 * (batch.events.text.length + batch.deliveryText.length) + transferablesOf(batch).reduce((sum, buffer) => sum + buffer.byteLength, 0);
}

/** The worker's script: beside the bundle (dist/logWorker.js), or its compiled module in tests. */
const WORKER_SCRIPT = path.join(__dirname, 'logWorker.js');


/**
 * A worker's heap: its state is bounded by bytes like this thread's, and what it reads goes out in batches of about a
 * megabyte. A small young generation keeps its share of the process's memory small (about 25 MB less RSS on the
 * benchmark's 1.33 GB log); a worker that runs out of memory leaves its range to this thread, like any that fails.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 192 };

/** Threads to read a big log with: SMTP_DIAG_THREADS when set (benchmarks), else one per core. */
export function allCores(): number {
  const set = Number(process.env.SMTP_DIAG_THREADS);
  return Number.isInteger(set) && set > 0 ? set : availableParallelism();
}

/** Whether workers can be started here (the extension's package has no worker script: it reads on one thread). */
export function workersAvailable(): boolean {
  return existsSync(WORKER_SCRIPT);
}

/** What a worker is given (workerData). */
export interface WorkerJob {
  readonly file: string;
  readonly name: string;
  readonly ranges: readonly LogRange[];
  /** Int32Array: the next range to claim, the ranges merged so far, then per range 1 once its lines before are
   * counted (rangeTurns.ts). */
  readonly claims: SharedArrayBuffer;
  /** Float64Array: per range, the lines of the file before it. */
  readonly linesBefore: SharedArrayBuffer;
  readonly policy?: BouncePolicy;
  readonly listening: boolean;
}

/** The first line start at or after `position` (> 0): after an LF, or after a CR that no LF follows; `size` when
 * no line starts there. */
function lineStartFrom(fd: number, position: number, size: number): number {
  const window = Buffer.allocUnsafe(1 << 12);
  // The byte before a line start is the end of a line break.
  for (let at = position - 1; at < size;) {
    const read = readSync(fd, window, 0, Math.min(window.length, size - at), at);
    if (read === 0) break;
    const lf = window.indexOf(LF);
    const cr = window.indexOf(CR);
    const first = [lf, cr].filter((found) => found >= 0 && found < read).sort((a, b) => a - b)[0];
    if (first !== undefined) {
      const next = at + first + 1;
      if (window[first] === LF || next >= size) return next;
      if (first + 1 < read) return window[first + 1] === LF ? next + 1 : next;
      const following = Buffer.alloc(1);
      readSync(fd, following, 0, 1, next);
      return following[0] === LF ? next + 1 : next;
    }
    at += read;
  }
  return size;
}

/** Cuts [0, size) into `count` ranges (fewer when lines are longer than ranges) that start at line starts. */
export function cutRanges(fd: number, size: number, count: number): LogRange[] {
  const starts = [0];
  for (let part = 1; part < count; part++) {
    const target = Math.floor((size * part) / count);
    // The line that holds an earlier target's start holds this one's too (a line longer than a range).
    if (target <= starts[starts.length - 1]) continue;
    const start = lineStartFrom(fd, target, size);
    if (start > starts[starts.length - 1] && start < size) starts.push(start);
  }
  return starts.map((start, index) => ({ start, end: index + 1 < starts.length ? starts[index + 1] : size }));
}

/** The lines of a range as the splitter counts them: its line breaks (CRLF is one), and an unfinished last line. */
export function countLines(fd: number, range: LogRange): number {
  const block = Buffer.allocUnsafe(BLOCK_BYTES);
  let lines = 0;
  let last = -1;
  let crEnded = false;
  for (let at = range.start; at < range.end;) {
    const read = readSync(fd, block, 0, Math.min(BLOCK_BYTES, range.end - at), at);
    if (read === 0) break;
    for (let lf = block.indexOf(LF); lf >= 0 && lf < read; lf = block.indexOf(LF, lf + 1)) lines++;
    // A CR is a line break of its own unless an LF follows it, which the LFs counted already.
    if (crEnded && block[0] !== LF) lines++;
    for (let cr = block.indexOf(CR); cr >= 0 && cr < read - 1; cr = block.indexOf(CR, cr + 1)) if (block[cr + 1] !== LF) lines++;
    crEnded = block[read - 1] === CR;
    last = block[read - 1];
    at += read;
  }
  if (crEnded) lines++;
  return last >= 0 && last !== LF && last !== CR ? lines + 1 : lines;
}

export interface ParallelRun {
  readonly dates: InputDates;
  readonly classifier: EventClassifier;
  readonly taker: EventTaker;
  readonly policy?: BouncePolicy;
  readonly listening: boolean;
  readonly signal?: AbortSignal;
  /** Called with the bytes of each range once merged. */
  readonly onBytes?: (bytes: number) => void;
}

/**
 * Reads a log file of `size` bytes on `threads` threads: this one and threads - 1 workers. This thread reads the first
 * range with the real state, as a single thread would, while the workers start; then it counts the lines of each
 * range and claims ranges too, reading them as a worker does. When a merged range shows the merge to be the bound
 * (isMergeBound), the workers are ended and this thread reads the rest alone, with the real state. Returns the file's
 * lines and how many ranges had to be read again here (their workers' results could not stand, logScan.ts).
 */
export async function readLogOnAllCores(file: string, name: string, size: number, threads: number, run: ParallelRun): Promise<{ lines: number; readAgain: number }> {
  const fd = openSync(file, 'r');
  const workers: Worker[] = [];
  try {
    const ranges = cutRanges(fd, size, Math.max(threads, Math.ceil(size / rangeSizes.rangeBytes)));
    readsSoFar.files++;
    readsSoFar.ranges += ranges.length;
    const job: WorkerJob = {
      file, name, ranges, claims: new SharedArrayBuffer(4 * countedSlot(ranges.length)), linesBefore: new SharedArrayBuffer(8 * ranges.length),
      policy: run.policy, listening: run.listening,
    };
    const claims = new Int32Array(job.claims);
    const linesBefore = new Float64Array(job.linesBefore);
    // The first range is this thread's, and no worker reads ahead before it is read.
    Atomics.store(claims, CLAIM_SLOT, 1);
    const merger = new RangeMerger(fd, name, run.dates, run.classifier, run.taker);
    const batches: RangeBatch[][] = ranges.map(() => []);
    const ends: (RangeEnd | undefined)[] = new Array(ranges.length);
    const counted: number[] = [];
    let merged = 0;
    let running = 0;
    let alone = false;
    let { rowsMade } = run.taker.aggregator;
    /** The lines of the ranges merged so far (the same as linesBefore[merged] once they are counted). */
    let linesMerged = 0;
    const mergedOne = (lines: number) => {
      // The next ranges' results are about as big as this one's: as many are read ahead as fit AHEAD_BYTES.
      const resultBytes = batches[merged].reduce((sum, batch) => sum + batchBytes(batch), 0);
      Atomics.store(claims, AHEAD_SLOT, aheadFor(resultBytes));
      const rowsBefore = rowsMade;
      rowsMade = run.taker.aggregator.rowsMade;
      if (!alone && isMergeBound(rowsMade - rowsBefore, ranges[merged])) {
        // What the workers read ahead is left: at most RANGES_AHEAD ranges, once.
        alone = true;
        for (const worker of workers) void worker.terminate();
        for (let index = merged + 1; index < ranges.length; index++) batches[index] = [];
      }
      batches[merged] = [];
      ends[merged] = undefined;
      run.onBytes?.(ranges[merged].end - ranges[merged].start);
      linesMerged += lines;
      merged++;
      Atomics.store(claims, MERGED_SLOT, merged);
      Atomics.notify(claims, MERGED_SLOT);
    };
    /** The range this thread has claimed and not yet read, or -1. */
    let ownClaim = -1;
    /** Merges every range whose turn has come, and once no worker is left, reads here those that have no result. */
    const advance = () => {
      while (merged < ranges.length) {
        if (run.signal?.aborted) throw new ExtractionCancelled();
        if (alone) {
          readsSoFar.readAlone++;
          mergedOne(merger.read(ranges[merged], linesMerged));
          continue;
        }
        const end = ends[merged];
        if (end) merger.merge(batches[merged], end, ranges[merged], linesMerged, counted[merged]);
        // Once no worker is left, a range without a result is read here; not the one this thread has claimed and
        // not yet read (it reads it next: read here as well, it was read twice).
        else if (running === 0 && merged !== ownClaim) merger.scan(ranges[merged], linesMerged);
        else return;
        mergedOne(counted[merged]);
      }
    };
    let settle: () => void = () => {};
    let failure: unknown;
    const advanceOrFail = () => {
      try {
        advance();
        if (merged === ranges.length) settle();
      } catch (error) {
        failure = error;
        settle();
      }
    };
    for (let index = 0; index < Math.min(threads, ranges.length) - 1; index++) {
      const worker = new Worker(WORKER_SCRIPT, { workerData: job, resourceLimits: WORKER_LIMITS });
      running++;
      worker.on('message', (message: RangeMessage) => {
        if (alone) return;
        if ('batch' in message) batches[message.batch.index].push(message.batch);
        else {
          ends[message.end.index] = message.end;
          // Merged at once: a worker waits for it (AHEAD_SLOT), and this thread may be waiting for the last.
          advanceOrFail();
        }
      });
      // A worker that fails leaves its range to this thread; an error here is one of this thread's.
      worker.on('error', () => {});
      worker.once('exit', () => {
        running--;
        advanceOrFail();
      });
      workers.push(worker);
    }
    const countedUpTo = (index: number, total: number) => {
      linesBefore[index] = total;
      Atomics.store(claims, countedSlot(index), 1);
      Atomics.notify(claims, countedSlot(index));
    };
    // Range 1 may be read once range 0's lines are counted (a pass of about 10 ms): a worker that waited for this
    // thread to read range 0 first sat idle for a third of a second.
    if (run.signal?.aborted) throw new ExtractionCancelled();
    const firstLines = countLines(fd, ranges[0]);
    if (ranges.length > 1) countedUpTo(1, firstLines);
    // The workers compile the engine meanwhile.
    counted.push(merger.read(ranges[0], 0));
    mergedOne(counted[0]);
    for (let index = 1, total = firstLines; index < ranges.length && !alone; index++) {
      if (index > 1) countedUpTo(index, total);
      counted.push(countLines(fd, ranges[index]));
      total += counted[index];
    }
    for (let index = Atomics.add(claims, CLAIM_SLOT, 1); index < ranges.length && !failure && !alone; index = Atomics.add(claims, CLAIM_SLOT, 1)) {
      ownClaim = index;
      advanceOrFail();
      // This thread keeps to the ranges ahead allowed too; the workers' results come in while it waits.
      while (index >= merged + Atomics.load(claims, AHEAD_SLOT) && !failure && running > 0) await new Promise((resolve) => setTimeout(resolve, 1));
      if (alone || failure) break;
      scanRange(
        { index, fd, name, range: ranges[index], linesBefore: linesBefore[index], policy: run.policy, listening: run.listening },
        (message) => {
          if ('batch' in message) batches[index].push(message.batch);
          else ends[index] = message.end;
        },
      );
      ownClaim = -1;
      // The workers' results come in between.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise<void>((resolve) => {
      settle = resolve;
      advanceOrFail();
    });
    if (failure) throw failure;
    readsSoFar.readAgain += merger.readAgain;
    return { lines: linesMerged, readAgain: merger.readAgain };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
    closeSync(fd);
  }
}
