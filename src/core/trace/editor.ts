// The pure part of the editor's message features (src/features/traceMessage.ts): an index of a document's lines,
// and what the ID, hand-off or Message-ID under the cursor names. Kept here, apart from VS Code, so the benchmark
// (scripts/bench/trace.mjs) measures what the editor runs.
import type { BouncePolicy } from '../knowledge/types';
import { compareLines, MessageIndex, type MessageTrace, type TracedLine } from './index';
import { parseTraceLine } from './line';

/** Lines indexed between two yields to the event loop: about 10 ms of work, so that a big document's first request
 * does not hold up the extension host. */
const LINES_PER_SLICE = 20_000;

/**
 * The index of a document: every line, in order, as line 1, 2, … of `name`, built in slices; undefined when `stale`
 * says the document changed meanwhile. No line texts are kept (the document has them).
 */
export async function buildDocumentIndex(lines: Iterable<string>, name = 'document', policy?: BouncePolicy, stale: () => boolean = () => false): Promise<MessageIndex | undefined> {
  // The document keeps its lines while the index lives (it is dropped with the document).
  const index = new MessageIndex({ policy, linesKept: true });
  index.startInput(name);
  let number = 0;
  for (const text of lines) {
    index.add(text, ++number);
    if (number % LINES_PER_SLICE === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (stale()) return undefined;
    }
  }
  return index;
}

/** The query under a column of a line (0-based, its end included): the line's own ID, the ID it handed the message
 * off to, or its Message-ID; with the columns it spans. */
export function queryAt(text: string, character: number): { query: string; start: number; end: number } | undefined {
  const line = parseTraceLine(text);
  if (!line) return undefined;
  const spans: [string | undefined, number | undefined][] = [[line.id, line.idStart], [line.handOff, line.handOffStart], [line.messageId, line.messageIdStart]];
  for (const [query, start] of spans) {
    if (query !== undefined && start !== undefined && character >= start && character <= start + query.length) return { query, start, end: start + query.length };
  }
  return undefined;
}

export interface MessagesAt {
  readonly query: string;
  readonly start: number;
  readonly end: number;
  /** The messages linked to the query, first appearance first. */
  readonly messages: MessageTrace[];
  /** Their lines, in order. */
  readonly lines: TracedLine[];
  /** Where the first message entered (or its first line), and that message's ID. */
  readonly entry: TracedLine;
  readonly entryId: string;
}

/** The messages the query under the column names, with their lines and entry line; undefined when nothing is there. */
export function messageAt(index: MessageIndex, text: string, character: number): MessagesAt | undefined {
  const query = queryAt(text, character);
  const messages = query ? index.resolve(query.query) : [];
  if (!query || messages.length === 0) return undefined;
  const lines = messages.flatMap((message) => message.lines).sort(compareLines);
  return { ...query, messages, lines, entry: messages[0].entry ?? messages[0].lines[0] ?? lines[0], entryId: messages[0].id };
}
