// `smtp-diag explain <code>`: the full explanation of a status code, or of both codes of a status as logs write it
// ("550 5.1.1"), for a terminal.
import { escapeUnsafeInJson } from '../core/bounce/safeText';
import type { CliCommand } from './io';
import { EXIT } from './io';
import { explainStatus } from '../core/explain/status';
import { renderExplanationText } from '../core/explain/render';

const USAGE = [
  'Usage: smtp-diag explain <code>',
  '       smtp-diag explain <reply code> <enhanced code>     (or as one argument: "550 5.1.1")',
  '',
  'Explains an SMTP status code: an enhanced code such as 5.3.2 or 4.7.26, or a reply code such as 550.',
  'Prints its meaning, hard or soft bounce (default policy), causes, what to do and how to investigate.',
  'A reply code followed by its enhanced code, as logs write them (550 5.1.1, 550-5.1.1), explains both, the',
  'enhanced code first: it is the more specific.',
].join('\n');

export const explainCommand: CliCommand = {
  name: 'explain',
  usage: USAGE,
  async run(args, io) {
    if (args.length === 0) {
      io.stderr.write(`smtp-diag explain: expected a code.\n${USAGE}\n`);
      return EXIT.usage;
    }
    // Two arguments are read as the shell split "550 5.1.1".
    const text = args.join(' ');
    const explanations = explainStatus(text);
    if (explanations.length === 0) {
      const shown = escapeUnsafeInJson(JSON.stringify(text.slice(0, 40)));
      io.stderr.write(`smtp-diag explain: ${shown} is not a status code. Give an enhanced code like 5.3.2 (class 2, 4 or 5), a reply code like 550, or both as a log writes them: 550 5.1.1.\n${USAGE}\n`);
      return EXIT.usage;
    }
    io.stdout.write(explanations.map((explanation) => renderExplanationText(explanation)).join('\n'));
    return EXIT.ok;
  },
};
