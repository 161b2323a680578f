// Says once, at the start of a run, when the corpus is missing and which tests that skips.
import { CORPUS_AVAILABLE, CORPUS_NOTICE } from '../helpers/corpus';

before(() => {
  if (!CORPUS_AVAILABLE) console.log(`  ${CORPUS_NOTICE}`);
});
