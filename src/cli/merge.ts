// `smtp-diag merge`: the outputs of `extract --format ndjson --deliveries` over inputs read apart, merged into the list
// one reading of them all gives (src/core/bounce/merge.ts).
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { formattedPieces, listedPieces, OUTPUT_FORMATS, OutputFormat, parseResultLine, ResultMerger } from '../core/bounce';
import { escapeUnsafe } from '../core/bounce/safeText';
import { CliCommand, CliIo, EXIT, optionValue } from './io';
import { writePieces } from './output';

const USAGE = `Usage: smtp-diag merge [--format text|csv|json|ndjson] [--all] <file|->...

Merges what "smtp-diag extract --format ndjson --deliveries" wrote for inputs read apart (a process per rotated log,
on many cores or machines) into the list one reading of them all gives, and prints it as extract does. Per address,
a delivery after its last failure closes its failures, whichever input each was in; the failures left join into one
record, the hardest evidence deciding. Across inputs the times decide (a delivery in the same second as a failure
does not close it); give extract --year where the years of syslog stamps cannot be inferred. Reads stdin when the
input is "-" or none.
  --format F   text (default), csv, json or ndjson, as extract writes them
  --all        include review and soft bounces
Each output of extract --deliveries ends its inputs with an end line that counts what comes before it: an output cut
short (a map step stopped before its end) or an input the map step could not read whole is named.
Exit status: 0 done, 1 an input could not be read, held lines that are no such output, or was cut short, or the map
step could not read an input whole (whatever was read is merged), 2 bad usage.`;

/** Lines that are not the map step's output, named on stderr; past this many only counted. */
const PROBLEMS_SHOWN = 10;
/** A line longer than this is no line of extract's output (its diagnostics are clipped): it is not held whole. */
const MAX_LINE_CHARS = 16 << 20;

/** The lines of a stream, a batch per chunk read (without their CR before LF); a line longer than MAX_LINE_CHARS
 * comes as undefined. */
export async function* lineBatches(stream: NodeJS.ReadableStream): AsyncGenerator<(string | undefined)[]> {
  const decoder = new StringDecoder('utf8');
  // The line being read, in pieces until its end arrives (joining at each chunk would make a long line quadratic).
  let pieces: string[] = [];
  let pending = 0;
  const keep = (text: string) => {
    pending += text.length;
    if (pending <= MAX_LINE_CHARS) pieces.push(text);
  };
  const line = (text: string) => (text.length > MAX_LINE_CHARS ? undefined : text.endsWith('\r') ? text.slice(0, -1) : text);
  const ended = (last: string) => {
    const whole = pending + last.length > MAX_LINE_CHARS ? undefined : line(pieces.join('') + last);
    pieces = [];
    pending = 0;
    return whole;
  };
  for await (const chunk of stream) {
    const text = decoder.write(chunk as Buffer);
    const lastBreak = text.lastIndexOf('\n');
    if (lastBreak < 0) {
      keep(text);
      continue;
    }
    const lines = text.slice(0, lastBreak).split('\n');
    const batch = [ended(lines[0])];
    for (let index = 1; index < lines.length; index++) batch.push(line(lines[index]));
    keep(text.slice(lastBreak + 1));
    yield batch;
  }
  keep(decoder.end());
  if (pending > 0) yield [ended('')];
}

export const mergeCommand: CliCommand = {
  name: 'merge',
  usage: USAGE,
  async run(args, io) {
    let format: OutputFormat = 'text';
    let all = false;
    const inputs: string[] = [];
    for (let index = 0; index < args.length; index++) {
      const arg = args[index];
      const formatOption = optionValue(args, index, 'format');
      if (formatOption) {
        index = formatOption.last;
        if (!OUTPUT_FORMATS.includes(formatOption.value as OutputFormat)) return usageError(io, `unknown format "${formatOption.value ?? ''}"`);
        format = formatOption.value as OutputFormat;
      } else if (arg === '--all') all = true;
      else if (arg.startsWith('-') && arg !== '-') return usageError(io, `unknown option "${arg}"`);
      else inputs.push(arg);
    }
    if (inputs.length === 0) inputs.push('-');
    const merger = new ResultMerger();
    let problems = 0;
    const problem = (text: string) => {
      if (problems++ < PROBLEMS_SHOWN) io.stderr.write(`smtp-diag merge: ${escapeUnsafe(text)}\n`);
    };
    /** Inputs read whole that held no end line: a map step's output has one per input it was given. */
    const unended: string[] = [];
    for (const input of inputs) {
      const name = input === '-' ? 'stdin' : input;
      const endsBefore = merger.read.ends;
      try {
        const stream = input === '-' ? io.stdin : createReadStream(input);
        let number = 0;
        for await (const batch of lineBatches(stream)) {
          for (const line of batch) {
            number++;
            if (line === undefined) problem(`${name}:${number}: a line of more than ${MAX_LINE_CHARS} characters`);
            else if (line.trim() !== '') {
              const parsed = parseResultLine(line);
              if (typeof parsed === 'string') problem(`${name}:${number}: ${parsed}`);
              else merger.add(parsed);
            }
          }
        }
        if (merger.read.ends === endsBefore) unended.push(name);
      } catch (error) {
        problem(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const doubts = merger.doubts();
    // Without any end line, the outputs were made without --deliveries: one warning says so, not one per input.
    if (merger.read.ends > 0) for (const name of unended) problem(`${name}: no end line: not the whole output of extract --format ndjson --deliveries (its map step stopped before its end?)`);
    for (const text of doubts.problems) problem(text);
    if (problems > PROBLEMS_SHOWN) io.stderr.write(`smtp-diag merge: ${problems - PROBLEMS_SHOWN} more lines or inputs it could not read\n`);
    if (doubts.warning) io.stderr.write(`smtp-diag merge: ${doubts.warning}\n`);
    const records = merger.records(all);
    await writePieces(io.stdout, format === 'text' ? listedPieces(records) : formattedPieces(records, format));
    return problems > 0 ? EXIT.inputError : EXIT.ok;
  },
};

function usageError(io: CliIo, text: string): number {
  io.stderr.write(`smtp-diag merge: ${escapeUnsafe(text)}\n${USAGE}\n`);
  return EXIT.usage;
}
