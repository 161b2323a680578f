// Tracing a message through logs: every line of the messages a query names (an ID, a Message-ID, an address),
// following hand-offs to the IDs a content filter or a relay gave the message.
//
// The inputs are read as grep reads them: only lines holding the query or an ID found so far are decoded and indexed.
// One pass cannot see everything: a message found by its Message-ID or an address logged lines before the line that
// names it, and a filter's new ID appears before the line that hands the message to it. So when a pass finds IDs it
// did not search for from the start, the inputs are read again for all of them (stdin is kept in a temporary file
// for that), until no new ID turns up. A query that names more messages than a few dozen is answered by reading every
// line instead.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { BouncePolicy } from '../knowledge/types';
import type { BounceInput, ProblemReporter, ReadOptions, SkippedInput } from '../bounce/input';
import { linesOf, readContents } from '../bounce/input';
import { linesHolding } from './grep';
import { compareLines, MessageIndex, type MessageTrace, type TracedLine } from './index';

export interface TraceOptions extends ReadOptions {
  readonly policy?: BouncePolicy;
}

export interface TraceResult {
  readonly query: string;
  /** The messages found, in the order they first appear. */
  readonly messages: MessageTrace[];
  /** Every remembered line of those messages, in input order. */
  readonly lines: TracedLine[];
  /** Lines of those messages past the per-message bounds, not shown. */
  readonly omittedLines: number;
  /** Times the inputs were read. */
  readonly passes: number;
  /** False when the passes ran out before every linked ID was searched for. */
  readonly complete: boolean;
  readonly files: number;
  readonly problems: SkippedInput[];
}

/** IDs searched for in the bytes at once; more are found by reading every line. */
const MAX_NEEDLES = 16;
/** A chain of hand-offs longer than this is not followed further. */
const MAX_PASSES = 6;

/** The strings a query is searched by: as typed (a Message-ID without its brackets), and an address in lower case. */
function queryNeedles(query: string): string[] {
  const bare = query.trim().replace(/^(?:message-id|msgid)=/i, '').replace(/^<(.*)>$/, '$1');
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

/** Every line of the messages `query` names in `inputs`. */
export async function traceMessages(query: string, inputs: readonly BounceInput[], options: TraceOptions = {}): Promise<TraceResult> {
  const initial = queryNeedles(query);
  const spool = await spooled(inputs);
  const problems: SkippedInput[] = [];
  try {
    let searched = new Set(initial);
    for (let pass = 1; ; pass++) {
      // Problems are the same every pass: the first one's are kept.
      const problem: ProblemReporter = (file, text, unreadable = false) => {
        if (pass === 1) problems.push({ file: spool.names.get(file) ?? file, problem: text, unreadable });
      };
      const everyLine = searched.size > MAX_NEEDLES;
      const index = new MessageIndex({ policy: options.policy, keepText: everyLine ? (id) => searched.has(id) : () => true });
      const needles = [...searched].map((needle) => Buffer.from(needle, 'utf8'));
      const files = await readContents(spool.inputs, problem, options, async (name, content) => {
        // Bounce messages have no message lines.
        if (content.kind !== 'log') return;
        index.startInput(spool.names.get(name) ?? name);
        if (!everyLine) {
          for await (const batch of linesHolding(content.chunks, needles, options.signal)) for (const { text, line } of batch) index.add(text, line);
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
      const complete = [...wanted].every((id) => searched.has(id));
      if (complete || pass === MAX_PASSES) {
        const lines = messages.flatMap((message) => message.lines).sort(compareLines);
        const omittedLines = messages.reduce((sum, message) => sum + message.omittedLines, 0);
        return { query, messages, lines, omittedLines, passes: pass, complete, files, problems };
      }
      searched = wanted;
    }
  } finally {
    spool.remove();
  }
}
