// `smtp-diag extract`: hard-bounced addresses from logs and bounce messages, as a suppression list, CSV or JSON.
import { escapeUnsafe } from '../core/bounce/safeText';
import { allCores, BounceInput, extractBounceStream, formattedPieces, listedPieces, mapStepPieces, OUTPUT_FORMATS, OutputFormat, type SkippedInput } from '../core/bounce';
import { CliCommand, CliIo, EXIT, optionValue } from './io';
import { writePieces, writeProblems } from './output';

const USAGE = `Usage: smtp-diag extract [--format text|csv|json|ndjson] [--all] [--year YYYY] [--follow] [--deliveries] <file|dir|->...

Reads mail logs (Postfix, Exim, Sendmail, qmail, OpenSMTPD, Courier, Exchange tracking and PowerMTA accounting CSV,
KumoMTA JSON records; .gz, UTF-16 too) and bounce messages (.eml, mbox), folders recursively, FIFOs, or stdin when
the input is "-" or none, and prints the addresses that bounced hard: one per line, sorted regardless of case
(text), or every field (csv, json).
Control characters from the inputs are printed escaped (\\x1b, \\u202e; in JSON as \\u escapes).
  --format F   text (default), csv, json, or ndjson: one JSON record a line, written as soon as each input
               (file, folder, stdin) is read; records are per input (merge them with --deliveries and merge)
  --all        include soft bounces (marked "# soft: reason" in text, type "soft" in csv/json)
  --year YYYY  the year of each input's first syslog time stamp ("Jan  2 10:00:00" has none; lines after a
               December-to-January turn get the next year). Without it the year is inferred from the file's
               modification time, and from the current date for stdin and pipes; records say so (yearInferred)
  --follow     enter symlinked folders met in a folder (each real folder once); named ones are always entered
  --deliveries with --format ndjson: after each input's records, a line per address delivered to in it (type
               "delivered", lastSeen its last delivery), then an end line (type "end": the input, its counts of
               records and deliveries, allRead), so that "smtp-diag merge" can join the outputs of inputs read
               apart (one process per rotated log) as one reading of them all would, and tell an output cut short
Dates are ISO 8601: in UTC ("...Z") when the input gave a zone, as the input wrote them when it gave none.
Exit status: 0 done, 1 some input could not be read (the others are still processed), 2 bad usage.`;

/** The options of extract and report; `year` undefined: inferred per input. */
export interface InputArgs {
  readonly inputs: BounceInput[];
  readonly format: OutputFormat;
  readonly all: boolean;
  readonly follow: boolean;
  readonly year?: number;
  readonly deliveries: boolean;
}

/**
 * Parses the shared options of extract and report, and with `recordOptions` those that shape records (--format,
 * --all, --year), which only extract takes; returns a usage error text or the options.
 */
export function parseInputArgs(args: readonly string[], io: CliIo, recordOptions: boolean): InputArgs | string {
  let format: OutputFormat = 'text';
  let all = false;
  let follow = false;
  let year: number | undefined;
  let deliveries = false;
  const inputs: BounceInput[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const formatOption = recordOptions ? optionValue(args, index, 'format') : undefined;
    const yearOption = recordOptions ? optionValue(args, index, 'year') : undefined;
    if (formatOption) {
      index = formatOption.last;
      if (!OUTPUT_FORMATS.includes(formatOption.value as OutputFormat)) return `unknown format "${formatOption.value ?? ''}"`;
      format = formatOption.value as OutputFormat;
    } else if (yearOption) {
      index = yearOption.last;
      if (!/^\d{4}$/.test(yearOption.value ?? '')) return `--year takes a year of four digits, not "${yearOption.value ?? ''}"`;
      year = Number(yearOption.value);
    } else if (recordOptions && arg === '--all') all = true;
    else if (recordOptions && arg === '--deliveries') deliveries = true;
    else if (arg === '--follow') follow = true;
    else if (arg === '-') inputs.push({ name: 'stdin', stream: io.stdin as AsyncIterable<Buffer> });
    else if (arg.startsWith('-')) return `unknown option "${arg}"`;
    else inputs.push({ path: arg });
  }
  if (deliveries && format !== 'ndjson') return '--deliveries goes with --format ndjson';
  if (inputs.length === 0) inputs.push({ name: 'stdin', stream: io.stdin as AsyncIterable<Buffer> });
  return { inputs, format, all, follow, year, deliveries };
}

export const extractCommand: CliCommand = {
  name: 'extract',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseInputArgs(args, io, true);
    if (typeof parsed === 'string') {
      io.stderr.write(`smtp-diag extract: ${escapeUnsafe(parsed)}\n${USAGE}\n`);
      return EXIT.usage;
    }
    // The records are all it prints: no pass to name the addresses delivered after failing.
    const options = { includeSoft: parsed.all, followSymlinks: parsed.follow, year: parsed.year, threads: allCores(), laterDelivered: false, deliveries: parsed.deliveries };
    // NDJSON is for pipelines: each input's records go out once it is read, not after the last input.
    const batches = parsed.format === 'ndjson' ? parsed.inputs.map((input) => [input]) : [parsed.inputs];
    const problems: SkippedInput[] = [];
    for (const batch of batches) {
      const { records, listed, deliveries, summary } = await extractBounceStream(batch, options);
      if (parsed.deliveries) {
        const input = batch[0];
        const allRead = !summary.problems.some((problem) => problem.unreadable);
        await writePieces(io.stdout, mapStepPieces('path' in input ? input.path : input.name, records, deliveries, allRead));
      } else await writePieces(io.stdout, parsed.format === 'text' ? listedPieces(listed) : formattedPieces(records, parsed.format));
      // Not pushed as arguments: a folder of many unreadable files gives thousands.
      for (const problem of summary.problems) problems.push(problem);
    }
    writeProblems(io.stderr, 'extract', problems);
    return problems.some((problem) => problem.unreadable) ? EXIT.inputError : EXIT.ok;
  },
};
