// Tracing a message through logs: every line of the messages a query names (an ID, a Message-ID, an address),
// following hand-offs to the IDs a content filter or a relay gave the message.
//
// The inputs are read as grep reads them: only lines holding the query or an ID found so far are decoded and indexed.
// A message found by its Message-ID or an address logged lines before the line that names it, and a filter's new ID
// logs its first lines before the line that hands the message to it. So an ID found on the way is searched for in the
// last megabytes already read (trace/grep.ts) and in the rest; its lines are complete when that reached its entry
// line (smtpd client=, Exim <=, …) or the start. When some are not, the inputs are read again for all the IDs found
// (stdin is kept in a temporary file for that), until none is new. A query that names more than 16 messages is
// answered by reading every line instead. Either way the index keeps only the messages linked to the query, the first
// MAX_TRACED_MESSAGES of them, and the others are counted (index.ts).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { BouncePolicy } from '../knowledge/types';
import type { BounceInput, ProblemReporter, ReadOptions, SkippedInput } from '../bounce/input';
import { fileBlocks, linesOf, ProblemList, readContents } from '../bounce/input';
import { linesHolding } from './grep';
import { bareQuery, compareLines, MessageIndex, type MessageTrace, type TracedLine } from './index';

export interface TraceOptions extends ReadOptions {
  readonly policy?: BouncePolicy;
  /** Bytes already read that are searched again for an ID found later (default WINDOW_BYTES; tests make it small). */
  readonly windowBytes?: number;
  /** Blocks a plain file is read in (default FILE_BLOCK_BYTES or BLOCKING_BLOCK_BYTES; tests make them small). */
  readonly blockBytes?: number;
  /** Plain files read with blocking calls (fileBlocks): for a process that waits for nothing else (the CLI). */
  readonly blockingReads?: boolean;
}

export interface TraceResult {
  readonly query: string;
  /** The messages found, in the order they first appear. */
  readonly messages: MessageTrace[];
  /** Every remembered line of those messages, in input order. */
  readonly lines: TracedLine[];
  /** Lines of those messages past the bounds per message and in all, not shown. */
  readonly omittedLines: number;
  /** Messages linked to the query past MAX_TRACED_MESSAGES, left out; counted up to MAX_OMITTED_COUNTED (at least
   * that many when it is reached). */
  readonly omittedMessages: number;
  /** Times the inputs were read. */
  readonly passes: number;
  /** False when the passes ran out before every linked ID was searched for. */
  readonly complete: boolean;
  readonly files: number;
  readonly problems: SkippedInput[];
}

/** IDs searched for in the bytes at once; more are found by reading every line. */
const MAX_NEEDLES = 16;
/** Bytes already read that are searched again for an ID found later: a filter's or relay's new ID logs its first
 * lines there, seconds before the line that names it. */
const WINDOW_BYTES = 4 << 20;
/** A plain file is searched in blocks this big, read from the file on the thread pool (the stream's pieces are 64 KB). */
const FILE_BLOCK_BYTES = 4 << 20;
/** Read with blocking calls, a block is searched as soon as it is read, while the processor's cache holds it: 4 MB
 * blocks did not fit, and the search read them again from memory (and a read on the thread pool fills another core's
 * cache). 256 KB blocks took 20-25 ms less of the 136 MB benchmark log than 4 MB blocks read ahead. */
const BLOCKING_BLOCK_BYTES = 256 << 10;
/** A chain of hand-offs longer than this is not followed further. */
const MAX_PASSES = 6;

/** The strings a query is searched by: as typed (a Message-ID without its brackets), and an address in lower case. */
function queryNeedles(query: string): string[] {
  const bare = bareQuery(query);
  return [...new Set([bare, bare.includes('@') ? bare.toLowerCase() : bare])].filter((needle) => needle.length > 0);
}

/** Streams (stdin) are written to a temporary file, so that they can be read more than once. */
async function spooled(inputs: readonly BounceInput[]): Promise<{ inputs: BounceInput[]; names: Map<string, string>; remove: () => void }> {
  const names = new Map<string, string>();
  let folder: string | undefined;
  const result: BounceInput[] = [];
  for (const input of inputs) {
    if (!('stream' in input)) {
      result.push(input);
      continue;
    }
    folder ??= mkdtempSync(join(tmpdir(), 'smtp-diag-trace-'));
    const file = join(folder, String(names.size));
    const out = createWriteStream(file);
    for await (const chunk of input.stream) if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    out.end();
    await finished(out);
    names.set(file, input.name);
    result.push({ path: file });
  }
  return { inputs: result, names, remove: () => { if (folder) rmSync(folder, { recursive: true, force: true }); } };
}

/** The blocks, with the bytes read so far told to `readOf` (the progress). */
async function* countedBlocks(blocks: AsyncIterable<Buffer>, readOf: (bytes: number) => void): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const block of blocks) {
    read += block.length;
    readOf(read);
    yield block;
  }
}

/**
 * What reports a pass's problems: the first pass's are kept (they are the same every pass). Made apart from the pass's
 * closures, which share their scope's variables: a stream the pass left unread holds its reporter until the stream's
 * pending read ends, and must not hold the pass's index with it.
 */
function problemReporter(pass: number, problems: ProblemList, names: ReadonlyMap<string, string>): ProblemReporter {
  return (file, text, unreadable = false) => {
    if (pass === 1) problems.add({ file: names.get(file) ?? file, problem: text, unreadable });
  };
}

/** Every line of the messages `query` names in `inputs`. */
export async function traceMessages(query: string, inputs: readonly BounceInput[], options: TraceOptions = {}): Promise<TraceResult> {
  const initial = queryNeedles(query);
  const spool = await spooled(inputs);
  const listed = new ProblemList();
  const { problems } = listed;
  /** The blocks files were read in, once the search is done with them: the next are read into them. */
  const spareBlocks: Buffer[] = [];
  try {
    let searched = new Set(initial);
    for (let pass = 1; ; pass++) {
      const read = await readPass({ query, initial, searched, spool, problem: problemReporter(pass, listed, spool.names), spareBlocks, options });
      if (read.complete || pass === MAX_PASSES) {
        const { messages } = read;
        const lines = messages.flatMap((message) => message.lines).sort(compareLines);
        const omittedLines = messages.reduce((sum, message) => sum + message.omittedLines, 0);
        return { query, messages, lines, omittedLines, omittedMessages: read.omittedMessages, passes: pass, complete: read.complete, files: read.files, problems };
      }
      searched = read.wanted;
    }
  } finally {
    spool.remove();
  }
}

interface PassInputs {
  readonly query: string;
  readonly initial: readonly string[];
  /** The IDs (and the query's strings) searched for from the start. */
  readonly searched: ReadonlySet<string>;
  readonly spool: { readonly inputs: BounceInput[]; readonly names: ReadonlyMap<string, string> };
  readonly problem: ProblemReporter;
  readonly spareBlocks: Buffer[];
  readonly options: TraceOptions;
}

interface PassResult {
  readonly messages: MessageTrace[];
  readonly omittedMessages: number;
  readonly files: number;
  /** Whether every line of the messages found was found. */
  readonly complete: boolean;
  /** The IDs to search for from the start in the next pass, when not. */
  readonly wanted: Set<string>;
}

/**
 * One reading of the inputs. A function of its own, so that its index is dropped when it ends: a suspended async
 * function keeps the values of a finished loop iteration's variables in its registers until they are overwritten.
 */
async function readPass({ query, initial, searched, spool, problem, spareBlocks, options }: PassInputs): Promise<PassResult> {
  const everyLine = searched.size > MAX_NEEDLES;
  const index = new MessageIndex({ policy: options.policy, keepText: everyLine ? (id) => searched.has(id) : () => true, focus: { ids: searched, query } });
  const needles = [...searched].map((needle) => Buffer.from(needle, 'utf8'));
  const inNeedles = new Set(searched);
  /**
   * IDs that became needles during this pass, and how far back they were searched: from the first input's start, or
   * through the window before a hand-off that named them, or less.
   */
  const learned = new Map<string, 'from-start' | 'window' | 'partly'>();
  let input = -1;
  const files = await readContents(spool.inputs, problem, options, async ({ name }, content, readOf) => {
    // Bounce messages have no message lines.
    if (content.kind !== 'log') return;
    index.startInput(spool.names.get(name) ?? name);
    input++;
    if (!everyLine) {
      let chunks: AsyncIterable<Buffer> = content.chunks;
      let release: ((chunk: Buffer) => void) | undefined;
      if (content.file && !content.bytes) {
        // A file as it is on disk: read again from its start in big blocks, into the same few buffers (a small one
        // read whole is taken as it is).
        await content.chunks.return?.();
        const blocking = options.blockingReads ?? false;
        const blockBytes = options.blockBytes ?? (blocking ? BLOCKING_BLOCK_BYTES : FILE_BLOCK_BYTES);
        chunks = countedBlocks(fileBlocks(content.file.path, 0, { blockBytes, spare: spareBlocks, blocking }), readOf);
        release = (block) => spareBlocks.push(block);
      }
      for await (const { lines, windowFromStart } of linesHolding(chunks, needles, options.signal, options.windowBytes ?? WINDOW_BYTES, { release })) {
        const learn = (id: string, handOff: boolean) => {
          if (inNeedles.has(id) || needles.length >= MAX_NEEDLES) return;
          inNeedles.add(id);
          needles.push(Buffer.from(id, 'utf8'));
          learned.set(id, input === 0 && windowFromStart ? 'from-start' : handOff && (input === 0 || !windowFromStart) ? 'window' : 'partly');
        };
        for (const { text, line } of lines) {
          const parsed = index.add(text, line);
          if (!parsed) continue;
          learn(parsed.id, false);
          if (parsed.handOff) learn(parsed.handOff, true);
        }
      }
      return;
    }
    let line = 0;
    let continued = false;
    for await (const batch of linesOf(content.chunks, 'utf8', options.signal)) {
      for (let at = 0; at < batch.lines.length; at++) {
        if (at > 0 || !continued) line++;
        index.add(batch.lines[at], line);
      }
      continued = batch.continued;
    }
  });
  const messages = index.resolve(query);
  // A message's lines are all found only when its ID was searched for from the start; so are a hand-off's.
  const wanted = new Set([...initial, ...messages.map((message) => message.id), ...index.unseenLinks(messages)]);
  // Every line of a message was found when its ID was searched for from the start, or from where its entry line is.
  // A next hop logs a message's first lines while it receives it, before it answers "queued as": an ID named so
  // that has no line in the window before the answer, nor after it, is not in the inputs. One left out for the bound
  // on messages is not looked for again.
  const found = (id: string) => searched.has(id) || learned.get(id) === 'from-start' || index.message(id)?.entry !== undefined
    || (learned.get(id) === 'window' && !index.message(id)) || index.wasLeftOut(id);
  return { messages, omittedMessages: index.omittedMessages, files, complete: [...wanted].every(found), wanted };
}
