// `smtp-diag report`: a Markdown bounce report per domain and per code.
import { extractBounces } from '../core/bounce';
import { BounceReport } from '../core/bounce/report';
import { parseInputArgs } from './extract';
import { CliCommand, EXIT } from './io';
import { terminalSafeLines, writePieces, writeProblems } from './output';

const USAGE = `Usage: smtp-diag report [--follow] <file|dir|->...

Prints a Markdown report of the failures in mail logs and bounce messages: per recipient domain and per
status code, hard / soft / deferred counts, inbound rejects, and the most frequent diagnostic.
Inputs and --follow as for "smtp-diag extract"; control characters from the inputs are printed escaped.
Exit status: 0 done, 1 some input could not be read, 2 bad usage.`;

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'Markdown bounce report per domain and per code',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseInputArgs(args, io, false);
    if (typeof parsed === 'string') {
      io.stderr.write(`smtp-diag report: ${parsed}\n${USAGE}\n`);
      return EXIT.usage;
    }
    const report = new BounceReport();
    const { summary } = await extractBounces(parsed.inputs, { followSymlinks: parsed.follow, onEvent: (event) => report.add(event) });
    await writePieces(io.stdout, terminalSafeLines(report.toMarkdown(summary)));
    const unreadable = summary.problems.filter((problem) => problem.unreadable);
    writeProblems(io.stderr, 'report', unreadable);
    return unreadable.length ? EXIT.inputError : EXIT.ok;
  },
};
