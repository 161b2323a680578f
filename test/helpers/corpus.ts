import * as path from 'node:path';

/**
 * The shared evaluation corpus sits beside the repository (../shared/corpus), both here and in CI's clean clone.
 * SMTP_DIAG_CORPUS points elsewhere when needed.
 */
export const CORPUS_DIR = process.env.SMTP_DIAG_CORPUS ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
export const SEED_FILE = path.resolve(CORPUS_DIR, '..', 'seed', 'smtp-5.3.2.txt');
