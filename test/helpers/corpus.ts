import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The shared evaluation corpus sits beside the repository (../shared/corpus), both here and in CI's clean clone.
 * SMTP_DIAG_CORPUS points elsewhere when needed.
 */
export const CORPUS_DIR = process.env.SMTP_DIAG_CORPUS ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
export const SEED_FILE = path.resolve(CORPUS_DIR, '..', 'seed', 'smtp-5.3.2.txt');

/** A public clone has no corpus: the tests that read it are skipped, everything else runs. */
export const CORPUS_AVAILABLE = fs.existsSync(path.join(CORPUS_DIR, 'expected-sisimai.tsv'));

/** Where the corpus comes from, said once in a run without it. */
export const CORPUS_NOTICE = `Corpus not found at ${CORPUS_DIR}: the tests that read it are skipped. It is built from public repositories `
  + '(sisimai/set-of-emails, whyscream/postfix-grok-patterns, fail2ban, Exim, digineo/postfix_exporter, ActiveCampaign/smtp-field-manual; '
  + 'see docs/testing.md for commits and licences); set SMTP_DIAG_CORPUS to its folder to run them.';

/** Skips the running test or suite (from `this` of a mocha function) when the corpus is not there. */
export function needsCorpus(context: Mocha.Context): void {
  if (!CORPUS_AVAILABLE) context.skip();
}

/** The files of a corpus folder, or none when the corpus is not there. */
export function corpusFiles(...parts: string[]): string[] {
  const folder = path.join(CORPUS_DIR, ...parts);
  return CORPUS_AVAILABLE && fs.existsSync(folder) ? fs.readdirSync(folder) : [];
}
