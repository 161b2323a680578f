// Hard-bounce extraction engine: the one entry point for the CLI, the editor commands and other features.
//
//   const { records, summary } = await extractBounces([{ path: 'maillog.1.gz' }, { name: 'stdin', stream }], {
//     policy,            // BouncePolicy from the knowledge base / smtpDiagnostics.bounce.* settings (optional)
//     includeSoft,       // also return soft-bounce records (type 'soft'); default: hard only
//     signal,            // AbortSignal: rejects with ExtractionCancelled
//     onProgress,        // (rawBytesRead) => void, called per chunk
//     onEvent,           // every classified event, deliveries and inbound rejects included (reports use it), with
//                        // its input's dates (eventTime.ts), which read its date as the records' are read
//     followSymlinks,    // enter symlinked folders met in a walk (each real folder once); default: skip them
//     year,              // the year of each input's first syslog stamp; default: inferred from when it was written
//     threads,           // threads that read a log file of 512 MB or more (allCores(): all); default 1, this one
//   });
//
// Inputs are paths (files, gzip files, FIFOs, folders recursively; each real file read once), streams or in-memory
// text; each is decompressed, decoded (UTF-8, or UTF-16 by its byte order mark or NUL pattern) and sniffed as a log,
// one message (.eml) or an mbox. Unreadable, binary and empty inputs are listed in summary.problems and the
// other inputs are still processed. Records are de-duplicated by address and sorted; their dates are ISO 8601
// (eventTime.ts): a syslog stamp's year is inferred from its file's modification time, or from the current time for a
// stream or text that has none. With `threads`, a big log file is read in byte ranges by workers (logWorkers.ts), with
// the same result.
import { closeSync, openSync } from 'node:fs';
import type { BouncePolicy } from '../knowledge/types';
import { DateReader, InputDates, YearSource } from './eventTime';
import { BounceInput, ContentKind, ExtractionCancelled, OpenedInput, ProblemList, ProblemReporter, SkippedInput, linesOf, readContents, WHOLE_READ_BYTES } from './input';
import { LogChunkFeeder, LogLineSplitter } from './logLines';
import { RangeReader } from './logScan';
import { rangeSizes, readLogOnAllCores, workersAvailable } from './logWorkers';
import { createLogParser } from './logs';
import { DeliveredEntry, LastDeliveries } from './deliveries';
import { parseBounceMessage } from './message';
import { EventClassifier, EventTaker, eventReader } from './run';
import type { BounceEvent, BounceRecord, ClassifiedEvent, ListedRecord } from './types';

export type { BounceInput, SkippedInput } from './input';
export { ExtractionCancelled } from './input';
export type { BounceRecord, ClassifiedEvent, ListedRecord, Outcome } from './types';
export type { DeliveredEntry } from './deliveries';
export { formatRecords, formattedPieces, listedPieces, ndjsonPieces, OUTPUT_FORMATS } from './format';
export { mapStepPieces, parseResultLine, ResultMerger } from './merge';
export type { InputEnd } from './merge';
export { allCores } from './logWorkers';
export type { OutputFormat } from './format';

export interface ExtractOptions {
  readonly policy?: BouncePolicy;
  readonly includeSoft?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (rawBytes: number) => void;
  readonly onEvent?: (event: ClassifiedEvent, dates: DateReader) => void;
  readonly followSymlinks?: boolean;
  /** The year of each input's first syslog stamp, which has none (stamps after a December-to-January turn get the
   * next); default: inferred from when the input was last written. */
  readonly year?: number;
  /** Threads that read a log file of 512 MB or more (rangeSizes.minBytes; worker_threads, when the worker script is
   * there); default 1: this thread alone. */
  readonly threads?: number;
  /** Whether the summary names the addresses delivered after failing (laterDelivered, laterDeliveredCount), which
   * only a report shows: default true. Finding them is a pass over every record, read back from disk when they went
   * there; without it both stay empty. */
  readonly laterDelivered?: boolean;
  /** Whether to keep the last delivery to each address (ExtractStream.deliveries), for results merged across inputs
   * (merge.ts). Such a reading is on one thread. */
  readonly deliveries?: boolean;
}

export interface ExtractSummary {
  /** Files (or streams) read, after folder expansion. */
  files: number;
  bytes: number;
  lines: number;
  messages: number;
  failed: number;
  deferred: number;
  delivered: number;
  rejectedInbound: number;
  /** Addresses that failed and later were delivered in the same input, left out of the records: the first
   * LATER_DELIVERED_KEPT of them (none unless ExtractOptions.laterDelivered). */
  laterDelivered: string[];
  /** How many there were in all. */
  laterDeliveredCount: number;
  /** Inputs that gave nothing or not all, with the reason: unreadable, binary, empty, corrupt, trailing garbage. */
  problems: SkippedInput[];
}

export interface ExtractResult {
  readonly records: BounceRecord[];
  readonly summary: ExtractSummary;
}

/** Records made one at a time as they are taken, sorted by address: what a writer holds is one record, not all. */
export interface ExtractStream {
  readonly records: Iterable<BounceRecord>;
  /** The same records as the suppression list shows them (address, type, reason), made in less time; take one of the
   * two. */
  readonly listed: Iterable<ListedRecord>;
  /** With ExtractOptions.deliveries, the last delivery to each address delivered to, sorted by address; else none. */
  readonly deliveries: Iterable<DeliveredEntry>;
  readonly summary: ExtractSummary;
  /** Removes what the records kept on disk, for a caller that does not take them (taking them all removes it too). */
  readonly dispose: () => void;
}

/**
 * Of a bigger message only this much is parsed: the report and the explaining text come first, the returned
 * original (where the size is) last. postal-mime needs about 25 times a message's size in memory: at 8 MB a message
 * took the process to 200 MB, and an mbox of them to 330 MB (one message's garbage not yet collected while the next
 * is read); at 2 MB, 125 and 215 MB.
 */
const MAX_MESSAGE_BYTES = 2 << 20;

/** Addresses delivered after failing that a summary names. */
export const LATER_DELIVERED_KEPT = 1_000;

/** Where the year of an input's syslog stamps comes from: the caller, else when the input was last written, else now. */
function yearSourceOf(input: OpenedInput, options: ExtractOptions): YearSource {
  return options.year !== undefined ? { year: options.year } : { reference: input.modified ?? Date.now() };
}

export async function extractBounces(inputs: readonly BounceInput[], options: ExtractOptions = {}): Promise<ExtractResult> {
  const { records, summary } = await extractBounceStream(inputs, options);
  return { records: [...records], summary };
}

/** As extractBounces, the records made as they are taken (the CLI writes each as it comes). */
export async function extractBounceStream(inputs: readonly BounceInput[], options: ExtractOptions = {}): Promise<ExtractStream> {
  const summary: ExtractSummary = { files: 0, bytes: 0, lines: 0, messages: 0, failed: 0, deferred: 0, delivered: 0, rejectedInbound: 0, laterDelivered: [], laterDeliveredCount: 0, problems: [] };
  const listed = new ProblemList();
  summary.problems = listed.problems;
  const problem: ProblemReporter = (file, text, unreadable = false) => listed.add({ file, problem: text, unreadable });
  const classifier = new EventClassifier(options.policy, Boolean(options.onEvent));
  const deliveries = options.deliveries ? new LastDeliveries() : undefined;
  const taker = new EventTaker(options.onEvent, deliveries);
  const take = eventReader(classifier, taker);
  // Workers hand deliveries on by their address alone, without the date a delivery's entry needs.
  const threads = deliveries ? 1 : options.threads ?? 1;
  // Records past the memory budget are on disk until they are taken; a failed or cancelled reading removes them.
  summary.files = await readContents(inputs, problem, options, async (input, content, readOf) => {
    const dates = new InputDates(yearSourceOf(input, options));
    try {
      const { file } = content;
      if (content.kind === 'log' && file && threads > 1 && file.size >= rangeSizes.minBytes && workersAvailable()) {
        // Read again in byte ranges, from the start: the bytes sniffed are few.
        await content.chunks.return?.();
        let merged = 0;
        const { lines } = await readLogOnAllCores(file.path, input.name, file.size, threads, {
          dates, classifier, taker, policy: options.policy, listening: Boolean(options.onEvent), signal: options.signal,
          onBytes: (bytes) => readOf(merged += bytes),
        });
        summary.lines += lines;
        summary.bytes += file.size;
      } else if (content.kind === 'log' && content.bytes) {
        const splitter = new LogLineSplitter(logLineReader(input.name, (events) => take(events, dates), dates));
        splitter.scan(content.bytes, 0, content.bytes.length, true);
        summary.bytes += content.bytes.length;
        summary.lines += splitter.line;
      } else if (content.kind === 'log' && file && file.size > WHOLE_READ_BYTES) {
        // A file read whole is in memory already; a bigger one is read again from its start.
        await content.chunks.return?.();
        await readLogFile(input.name, file.path, summary, (events) => take(events, dates), dates, readOf, options.signal);
      } else await scan(input.name, content.kind, content.chunks, summary, (events) => take(events, dates), dates, problem, options.signal);
    } finally {
      // What was read of a damaged input is kept: its stamps get their year too.
      dates.end();
    }
  }).catch((error: unknown) => {
    taker.aggregator.dispose();
    throw error;
  });
  Object.assign(summary, classifier.counts);
  if (options.laterDelivered ?? true) {
    const later = taker.aggregator.laterDelivered(LATER_DELIVERED_KEPT);
    summary.laterDelivered = later.addresses;
    summary.laterDeliveredCount = later.count;
  }
  const includeSoft = options.includeSoft ?? false;
  return {
    records: taker.aggregator.records(includeSoft), listed: taker.aggregator.listed(includeSoft), deliveries: deliveries?.entries() ?? [], summary,
    dispose: () => taker.aggregator.dispose(),
  };
}

/** Blocks read between two looks at the event loop (progress, cancellation, an editor's other work). */
const BLOCKS_BETWEEN_YIELDS = 8;

/** What reads a log's lines in order: each line's stamp noted for the dates, its events parsed and handed on. */
function logLineReader(name: string, take: (events: readonly BounceEvent[]) => void, dates: InputDates): (text: string, line: number) => void {
  const parse = createLogParser();
  // One source object for all lines: recognizers copy its fields into what they keep.
  const source = { file: name, line: 0 };
  return (text, line) => {
    source.line = line;
    dates.observeLine(text);
    take(parse(text, source));
  };
}

/**
 * Reads a log from its regular file, in blocks into one buffer: without a stream's buffers and hops between them
 * (an eighth of the time of the benchmark log), to the end of the file however long it has grown.
 */
async function readLogFile(
  name: string, path: string, summary: ExtractSummary, take: (events: readonly BounceEvent[]) => void, dates: InputDates,
  readOf: (rawBytes: number) => void, signal?: AbortSignal,
): Promise<void> {
  const splitter = new LogLineSplitter(logLineReader(name, take, dates));
  const fd = openSync(path, 'r');
  try {
    const reader = new RangeReader(fd, { start: 0, end: Infinity }, splitter);
    for (let blocks = 1; reader.step(); blocks++) {
      if (blocks % BLOCKS_BETWEEN_YIELDS) continue;
      readOf(reader.done);
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw new ExtractionCancelled();
    }
    readOf(reader.done);
    summary.bytes += reader.done;
    summary.lines += splitter.line;
  } finally {
    closeSync(fd);
  }
}

async function scan(
  name: string, kind: ContentKind, chunks: AsyncIterable<Buffer>, summary: ExtractSummary,
  take: (events: readonly BounceEvent[]) => void, dates: InputDates, problem: ProblemReporter, signal?: AbortSignal,
): Promise<void> {
  const countBytes = async function* () {
    for await (const chunk of chunks) { summary.bytes += chunk.length; yield chunk; }
  };
  if (kind === 'log') {
    const feeder = new LogChunkFeeder(logLineReader(name, take, dates));
    for await (const chunk of countBytes()) {
      if (signal?.aborted) throw new ExtractionCancelled();
      feeder.push(chunk);
    }
    feeder.end();
    summary.lines += feeder.lines;
    return;
  }
  // Messages: lines are kept as latin1 so the bytes given to the MIME parser are the original bytes.
  let current: string[] = [];
  // Whether a "From " line here opens the next message of an mbox: at the start, after one, after a blank line. Not
  // read from `current`, which holds no line past MAX_MESSAGE_BYTES (a big message swallowed those after it).
  let opens = true;
  let size = 0;
  let start = 1;
  let line = 0;
  let continued = false;
  const flush = async () => {
    const blank = current.every((text) => text.trim() === '');
    const bytes = blank ? undefined : Buffer.from(current.join('\n'), 'latin1');
    const over = size > MAX_MESSAGE_BYTES;
    // Let go of the lines before the parse: they were as big as the message again, an object per line. A blank
    // message's too: kept, they were looked at again at every "From " line (time in the square of their number).
    current = [];
    opens = true;
    size = 0;
    if (!bytes) return;
    summary.messages++;
    if (over) problem(`${name}:${start}`, `message over ${MAX_MESSAGE_BYTES >> 20} MB: only its first ${MAX_MESSAGE_BYTES >> 20} MB were read (the report parts come first)`);
    try {
      take((await parseBounceMessage(bytes, name, start)).events);
    } catch (error) {
      problem(`${name}:${start}`, `unreadable message: ${(error as Error).message}`, true);
    }
  };
  for await (const batch of linesOf(countBytes(), 'latin1', signal)) {
    for (let index = 0; index < batch.lines.length; index++) {
      const text = batch.lines[index];
      if (index === 0 && continued) {
        // The rest of a line cut for its length: joined again, so the message keeps its bytes.
        if (size <= MAX_MESSAGE_BYTES && current.length) current[current.length - 1] += text;
        size += text.length;
        continue;
      }
      line++;
      if (kind === 'mbox' && text.startsWith('From ') && opens) {
        await flush();
        start = line + 1;
        continue;
      }
      if (size <= MAX_MESSAGE_BYTES) current.push(text);
      opens = text === '';
      size += text.length + 1;
    }
    continued = batch.continued;
  }
  summary.lines += line;
  await flush();
}
