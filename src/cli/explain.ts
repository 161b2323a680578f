// `smtp-diag explain <code>`: the full explanation of one status code, for a terminal.
import type { CliCommand } from './io';
import { EXIT } from './io';
import { explainCode } from '../core/knowledge';
import { renderExplanationText } from '../core/explain/render';

const USAGE = [
  'Usage: smtp-diag explain <code>',
  '',
  'Explains an SMTP status code: an enhanced code such as 5.3.2 or 4.7.26, or a reply code such as 550.',
  'Prints its meaning, hard or soft bounce (default policy), causes, what to do and how to investigate.',
].join('\n');

export const explainCommand: CliCommand = {
  name: 'explain',
  summary: 'Explain a status code (5.3.2, 4.7.26, 550): meaning, hard/soft, causes, what to do',
  usage: USAGE,
  async run(args, io) {
    if (args.length !== 1) {
      io.stderr.write(`smtp-diag explain: expected exactly one code.\n${USAGE}\n`);
      return EXIT.usage;
    }
    const explanation = explainCode(args[0]);
    if (!explanation) {
      const shown = JSON.stringify(args[0].slice(0, 40));
      io.stderr.write(`smtp-diag explain: ${shown} is not a status code. Give an enhanced code like 5.3.2 (class 2, 4 or 5) or a reply code like 550.\n`);
      return EXIT.usage;
    }
    io.stdout.write(renderExplanationText(explanation));
    return EXIT.ok;
  },
};
