// Hard-bounce extraction engine: the one entry point for the CLI, the editor commands and other features.
//
//   const { records, summary } = await extractBounces([{ path: 'maillog.1.gz' }, { name: 'stdin', stream }], {
//     policy,            // BouncePolicy from the knowledge base / smtpDiagnostics.bounce.* settings (optional)
//     includeSoft,       // also return soft-bounce records (type 'soft'); default: hard only
//     signal,            // AbortSignal: rejects with ExtractionCancelled
//     onProgress,        // (rawBytesRead) => void, called per chunk
//     onEvent,           // every classified event, deliveries and inbound rejects included (reports use it)
//   });
//
// Inputs are paths (files, gzip files, folders recursively), streams or in-memory text; each is sniffed as a log,
// one message (.eml) or an mbox. Unreadable, binary and empty inputs are listed in summary.problems and the
// other inputs are still processed. Records are de-duplicated by address and sorted.
import type { BouncePolicy } from '../knowledge/types';
import { BounceAggregator } from './aggregate';
import { createClassifier, withVerdict } from './classify';
import { BounceInput, ContentKind, ExtractionCancelled, ProblemReporter, SkippedInput, decompressed, linesOf, openInputs, sniffKind } from './input';
import { createLogParser } from './logs';
import { parseBounceMessage } from './message';
import type { BounceEvent, BounceRecord, ClassifiedEvent } from './types';

export type { BounceInput, SkippedInput } from './input';
export { ExtractionCancelled } from './input';
export type { BounceRecord, ClassifiedEvent, Outcome } from './types';
export { formatRecords, OUTPUT_FORMATS } from './format';
export type { OutputFormat } from './format';

export interface ExtractOptions {
  readonly policy?: BouncePolicy;
  readonly includeSoft?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (rawBytes: number) => void;
  readonly onEvent?: (event: ClassifiedEvent) => void;
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
  /** Addresses that failed and later were delivered in the same input: left out of the records. */
  laterDelivered: string[];
  /** Inputs that gave nothing, with the reason: unreadable, binary, empty, corrupt. */
  problems: SkippedInput[];
}

export interface ExtractResult {
  readonly records: BounceRecord[];
  readonly summary: ExtractSummary;
}

/** A message bigger than this is reported, not parsed: real bounces are far smaller. */
const MAX_MESSAGE_BYTES = 64 << 20;

export async function extractBounces(inputs: readonly BounceInput[], options: ExtractOptions = {}): Promise<ExtractResult> {
  const summary: ExtractSummary = { files: 0, bytes: 0, lines: 0, messages: 0, failed: 0, deferred: 0, delivered: 0, rejectedInbound: 0, laterDelivered: [], problems: [] };
  const aggregator = new BounceAggregator();
  const problem: ProblemReporter = (file, text, unreadable = false) => summary.problems.push({ file, problem: text, unreadable });
  const classify = createClassifier(options.policy);
  const take = (events: readonly BounceEvent[]) => {
    for (const event of events) {
      if (event.outcome === 'delivered') {
        // Deliveries are the bulk of a log: no classification, and an event object only for a listener.
        summary.delivered++;
        aggregator.delivered(event.address);
        if (options.onEvent) options.onEvent(withVerdict(event, 'none', 'success', 'delivered'));
        continue;
      }
      if (event.outcome === 'failed') summary.failed++;
      else if (event.outcome === 'deferred') summary.deferred++;
      else summary.rejectedInbound++;
      // Only failures become records: deferrals and inbound rejects are classified only for a listener.
      if (event.outcome !== 'failed' && !options.onEvent) continue;
      const classified = classify(event);
      options.onEvent?.(classified);
      aggregator.add(classified);
    }
  };
  let rawBytes = 0;
  for await (const input of openInputs(inputs, problem)) {
    if (options.signal?.aborted) throw new ExtractionCancelled();
    summary.files++;
    const countRaw = (count: number) => { rawBytes += count; options.onProgress?.(rawBytes); };
    try {
      const iterator = decompressed(input.chunks, countRaw)[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done || first.value.length === 0) { problem(input.name, 'empty, nothing to scan'); continue; }
      const kind = sniffKind(first.value);
      if (!kind) { problem(input.name, 'binary content (not a text log or message), skipped'); continue; }
      const chunks = (async function* () {
        yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      })();
      await scan(input.name, kind, chunks, summary, take, problem, options.signal);
    } catch (error) {
      if (error instanceof ExtractionCancelled) throw error;
      const zlibError = /^Z_/.test(String((error as NodeJS.ErrnoException).code ?? ''));
      problem(input.name, zlibError
        ? `read error: truncated or corrupt compressed data (${(error as Error).message}); the lines before it were scanned`
        : `read error: ${(error as Error).message}`, true);
    }
  }
  summary.laterDelivered = aggregator.laterDelivered();
  const records = aggregator.records().filter((record) => options.includeSoft || record.type === 'hard');
  return { records, summary };
}

async function scan(
  name: string, kind: ContentKind, chunks: AsyncIterable<Buffer>, summary: ExtractSummary,
  take: (events: readonly BounceEvent[]) => void, problem: ProblemReporter, signal?: AbortSignal,
): Promise<void> {
  const countBytes = async function* () {
    for await (const chunk of chunks) { summary.bytes += chunk.length; yield chunk; }
  };
  if (kind === 'log') {
    const parse = createLogParser();
    let line = 0;
    for await (const batch of linesOf(countBytes(), 'utf8', signal)) {
      for (const text of batch) take(parse(text, { file: name, line: ++line }));
    }
    summary.lines += line;
    return;
  }
  // Messages: lines are kept as latin1 so the bytes given to the MIME parser are the original bytes.
  let current: string[] = [];
  let size = 0;
  let start = 1;
  let line = 0;
  const flush = async () => {
    if (current.length === 0 || current.every((text) => text.trim() === '')) return;
    summary.messages++;
    if (size > MAX_MESSAGE_BYTES) problem(`${name}:${start}`, `message over ${MAX_MESSAGE_BYTES >> 20} MB, skipped`);
    else {
      try {
        take((await parseBounceMessage(Buffer.from(current.join('\n'), 'latin1'), name, start)).events);
      } catch (error) {
        problem(`${name}:${start}`, `unreadable message: ${(error as Error).message}`);
      }
    }
    current = [];
    size = 0;
  };
  for await (const batch of linesOf(countBytes(), 'latin1', signal)) {
    for (const text of batch) {
      line++;
      if (kind === 'mbox' && text.startsWith('From ') && (current.length === 0 || current[current.length - 1] === '')) {
        await flush();
        start = line + 1;
        continue;
      }
      if (size <= MAX_MESSAGE_BYTES) current.push(text);
      size += text.length + 1;
    }
  }
  summary.lines += line;
  await flush();
}
