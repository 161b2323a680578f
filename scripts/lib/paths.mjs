// Paths shared by the scripts. The evaluation corpus sits beside the repository (../shared/corpus), both in a
// developer's checkout and in CI's clean clone; SMTP_DIAG_CORPUS overrides it.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS_DIR = process.env.SMTP_DIAG_CORPUS ?? resolve(ROOT, '..', 'shared', 'corpus');
export const SEED_FILE = join(CORPUS_DIR, '..', 'seed', 'smtp-5.3.2.txt');
