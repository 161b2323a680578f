// `smtp-diag merge`: the outputs of `extract --format ndjson --deliveries` over inputs read apart, merged into the list
// one reading of them all gives (src/core/bounce/merge.ts).
import { createReadStream } from 'node:fs';
import { formattedPieces, listedPieces, OUTPUT_FORMATS, OutputFormat, ResultMerger } from '../core/bounce';
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
    for (const input of inputs) {
      const name = input === '-' ? 'stdin' : input;
      try {
        await merger.readInput(name, input === '-' ? io.stdin : createReadStream(input), problem);
      } catch (error) {
        problem(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const doubts = merger.doubts();
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
