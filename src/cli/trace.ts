// `smtp-diag trace`: every line of the messages a queue ID, a Message-ID or an address names, following hand-offs
// to the IDs a content filter or a relay gave them, after a summary of each message.
import { escapeUnsafe, escapeUnsafeInJson } from '../core/bounce/safeText';
import type { BounceInput } from '../core/bounce';
import { MAX_OMITTED_COUNTED, MAX_TRACED_MESSAGES } from '../core/trace';
import { summaryLines, traceJson } from '../core/trace/format';
import { traceMessages, type TraceResult } from '../core/trace/trace';
import { CliCommand, CliIo, EXIT, optionValue } from './io';
import { writePieces, writeProblems } from './output';

const USAGE = `Usage: smtp-diag trace [--format text|json] [--follow] <queue-id|message-id|address> <file|dir|->...

Prints every line of the messages the query names, in the order of the inputs, each after its file and line number,
with a summary of each message first (sender, size, client, Message-ID, each recipient's outcome with the verdict
of the bounce table, delay, first and last time, next hop). The query is a Postfix or Sendmail queue ID, an Exim
message ID, a Message-ID (<id@host>) or an address (every message from or to it). A message handed to a content
filter or relay that queued it under a new ID ("queued as NEWID", Exim's C="250 OK id=NEWID") is followed under
that ID, and so are messages with the same Message-ID. Reads Postfix, Exim and Sendmail logs, .gz too, folders
recursively, stdin when the input is "-" or none.
  --format F   text (default) or json
  --follow     enter symlinked folders met in a folder
Exit status: 0 a message was found, 1 none was found or some input could not be read, 2 bad usage.`;

const FORMATS = ['text', 'json'] as const;
type TraceFormat = typeof FORMATS[number];

function parseArgs(args: readonly string[], io: CliIo): { query: string; inputs: BounceInput[]; format: TraceFormat; follow: boolean } | string {
  let format: TraceFormat = 'text';
  let follow = false;
  let query: string | undefined;
  const inputs: BounceInput[] = [];
  const stdin = () => ({ name: 'stdin', stream: io.stdin as AsyncIterable<Buffer> });
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const formatOption = optionValue(args, index, 'format');
    if (formatOption) {
      index = formatOption.last;
      if (!FORMATS.includes(formatOption.value as TraceFormat)) return `unknown format "${formatOption.value ?? ''}"`;
      format = formatOption.value as TraceFormat;
    } else if (arg === '--follow') follow = true;
    else if (arg === '-' && query !== undefined) inputs.push(stdin());
    else if (arg.startsWith('-') && arg !== '-') return `unknown option "${arg}"`;
    else if (query === undefined) query = arg;
    else inputs.push({ path: arg });
  }
  if (query === undefined || query.trim() === '') return 'a queue ID, Message-ID or address to trace is needed';
  if (inputs.length === 0) inputs.push(stdin());
  return { query, inputs, format, follow };
}

/** The summary, then each line after its file and line number: made as it is written, not all at once. */
function* textOutput(result: TraceResult): Generator<string> {
  for (const line of summaryLines(result.messages)) yield `${escapeUnsafe(line)}\n`;
  yield '\n';
  for (const line of result.lines) yield `${escapeUnsafe(`${line.file}:${line.line}: ${line.text ?? ''}`)}\n`;
}

export const traceCommand: CliCommand = {
  name: 'trace',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, io);
    if (typeof parsed === 'string') {
      io.stderr.write(`smtp-diag trace: ${escapeUnsafe(parsed)}\n${USAGE}\n`);
      return EXIT.usage;
    }
    // The CLI waits for nothing else while it reads: blocking reads of small blocks are the fastest (trace.ts).
    const result = await traceMessages(parsed.query, parsed.inputs, { followSymlinks: parsed.follow, blockingReads: true });
    if (parsed.format === 'json') {
      await writePieces(io.stdout, [`${escapeUnsafeInJson(JSON.stringify(traceJson(result), null, 2))}\n`]);
    } else if (result.messages.length) await writePieces(io.stdout, textOutput(result));
    writeProblems(io.stderr, 'trace', result.problems);
    if (result.omittedMessages) {
      const more = result.omittedMessages >= MAX_OMITTED_COUNTED ? `at least ${MAX_OMITTED_COUNTED.toLocaleString('en-US')}` : String(result.omittedMessages);
      io.stderr.write(`smtp-diag trace: ${more} more messages match and were left out (the first ${MAX_TRACED_MESSAGES.toLocaleString('en-US')} are traced)\n`);
    }
    if (result.omittedLines) io.stderr.write(`smtp-diag trace: ${result.omittedLines} more lines of these messages were not kept (at most 10,000 lines and 1 MB of text a message, 100,000 lines and 16 MB in all)\n`);
    if (!result.complete) io.stderr.write('smtp-diag trace: the chain of hand-offs is longer than was followed; the last IDs were not searched for\n');
    if (!result.messages.length) io.stderr.write(`smtp-diag trace: no message matches "${escapeUnsafe(parsed.query)}"\n`);
    return result.messages.length && !result.problems.some((problem) => problem.unreadable) ? EXIT.ok : EXIT.inputError;
  },
};
