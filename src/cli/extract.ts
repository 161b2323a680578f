// `smtp-diag extract`: hard-bounced addresses from logs and bounce messages, as a suppression list, CSV or JSON.
import { BounceInput, extractBounces, formatRecords, OUTPUT_FORMATS, OutputFormat } from '../core/bounce';
import { CliCommand, CliIo, EXIT } from './io';

const USAGE = `Usage: smtp-diag extract [--format text|csv|json] [--all] <file|dir|->...

Reads mail logs (Postfix, Exim, Sendmail, qmail, OpenSMTPD, Courier, Exchange tracking CSV; .gz too) and bounce
messages (.eml, mbox), folders recursively, or stdin when the input is "-" or none, and prints the addresses
that bounced hard: one per line, sorted (text), or every field (csv, json).
  --format F   text (default), csv or json
  --all        include soft bounces (marked "# soft: reason" in text, type "soft" in csv/json)
Exit status: 0 done, 1 some input could not be read (the others are still processed), 2 bad usage.`;

/** Parses the shared options of extract and report; returns a usage error text or the options. */
export function parseInputArgs(args: readonly string[], io: CliIo, allowFormat: boolean): { inputs: BounceInput[]; format: OutputFormat; all: boolean } | string {
  let format: OutputFormat = 'text';
  let all = false;
  const inputs: BounceInput[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (allowFormat && (arg === '--format' || arg.startsWith('--format='))) {
      const value = arg.includes('=') ? arg.slice(9) : args[++index];
      if (!OUTPUT_FORMATS.includes(value as OutputFormat)) return `unknown format "${value ?? ''}"`;
      format = value as OutputFormat;
    } else if (allowFormat && arg === '--all') all = true;
    else if (arg === '-') inputs.push({ name: 'stdin', stream: io.stdin as AsyncIterable<Buffer> });
    else if (arg.startsWith('-')) return `unknown option "${arg}"`;
    else inputs.push({ path: arg });
  }
  if (inputs.length === 0) inputs.push({ name: 'stdin', stream: io.stdin as AsyncIterable<Buffer> });
  return { inputs, format, all };
}

export const extractCommand: CliCommand = {
  name: 'extract',
  summary: 'Hard-bounced addresses from logs and bounce messages (suppression list, CSV or JSON)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseInputArgs(args, io, true);
    if (typeof parsed === 'string') {
      io.stderr.write(`smtp-diag extract: ${parsed}\n${USAGE}\n`);
      return EXIT.usage;
    }
    const { records, summary } = await extractBounces(parsed.inputs, { includeSoft: parsed.all });
    io.stdout.write(formatRecords(records, parsed.format));
    for (const { file, problem } of summary.problems) io.stderr.write(`smtp-diag extract: ${file}: ${problem}\n`);
    return summary.problems.some((problem) => problem.unreadable) ? EXIT.inputError : EXIT.ok;
  },
};
