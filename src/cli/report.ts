// `smtp-diag report`: the bounce report per domain, code, reason and remote host, as plain text or Markdown.
import { escapeUnsafe } from '../core/bounce/safeText';
import { extractBounceStream } from '../core/bounce';
import { BounceReport, reportMarkdown, reportText } from '../core/bounce/report';
import { parseInputArgs } from './extract';
import { CliCommand, EXIT } from './io';
import { terminalSafeLines, writePieces, writeProblems } from './output';

const USAGE = `Usage: smtp-diag report [--markdown] [--follow] <file|dir|->...

Prints a report of the failures in mail logs and bounce messages: per recipient domain, status code, reason and
remote host, hard / review / soft / deferred counts, inbound rejects, and the most frequent diagnostic.
Plain text, columns aligned; --markdown prints it as Markdown tables instead (text from the inputs escaped).
Inputs and --follow as for "smtp-diag extract"; control characters from the inputs are printed escaped.
Exit status: 0 done, 1 some input could not be read, 2 bad usage.`;

export const reportCommand: CliCommand = {
  name: 'report',
  usage: USAGE,
  async run(args, io) {
    const markdown = args.includes('--markdown');
    const parsed = parseInputArgs(args.filter((arg) => arg !== '--markdown'), io, false);
    if (typeof parsed === 'string') {
      io.stderr.write(`smtp-diag report: ${escapeUnsafe(parsed)}\n${USAGE}\n`);
      return EXIT.usage;
    }
    const report = new BounceReport();
    // The report counts the events as they come: the records, one per failed address, are not made. One thread: a
    // report takes every event, not only failures, so a worker's results are big; on the 1.33 GB benchmark log two
    // threads took 15-16 s and peaked at 282-286 MB (fewer results read ahead: 257 MB, 21 s), one 18 s and 165 MB.
    const { summary, dispose } = await extractBounceStream(parsed.inputs, { followSymlinks: parsed.follow, threads: 1, onEvent: (event, dates) => report.add(event, dates) });
    dispose();
    const model = report.model(summary);
    // reportText escapes what it prints already; terminalSafeLines is the same guard for the Markdown.
    await writePieces(io.stdout, terminalSafeLines(markdown ? reportMarkdown(model) : reportText(model)));
    const unreadable = summary.problems.filter((problem) => problem.unreadable);
    writeProblems(io.stderr, 'report', unreadable);
    return unreadable.length ? EXIT.inputError : EXIT.ok;
  },
};
