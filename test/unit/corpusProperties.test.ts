// Properties that must hold on every bounce of the development corpus, whatever its layout, and the provider
// responses' verdicts against our own labels (test/fixtures/provider-responses/labels.tsv, written here).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORPUS_DIR, needsCorpus } from '../helpers/corpus';
import { corpusProperties, providerVerdicts, type PropertyResult } from '../helpers/corpusProperties';

const LABELS = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'provider-responses', 'labels.tsv');

describe('corpus properties', function () {
  this.timeout(120_000);
  let result: Awaited<ReturnType<typeof corpusProperties>>;
  before(async function () {
    needsCorpus(this);
    result = await corpusProperties(CORPUS_DIR);
  });
  const property = (name: string): PropertyResult => result.properties.find((entry) => entry.name === name)!;

  it('reads the corpus (a floor, so that no property below holds vacuously)', () => {
    assert.ok(result.messages > 500, String(result.messages));
    assert.ok(result.hard > 150, String(result.hard));
  });

  for (const name of ["no reported address is the bounce's or the original's sender", 'no record says the address is gone and soft',
    'no diagnostic holds U+FFFD', 'LF, CRLF and CR forms give the same records']) {
    it(name, () => assert.deepEqual(property(name).violations, []));
  }
});

describe('provider responses (206 real replies of 30 providers and filters)', () => {
  before(function () { needsCorpus(this); });
  it('has one label of ours per response, in order', () => {
    const labels = fs.readFileSync(LABELS, 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));
    const verdicts = providerVerdicts(CORPUS_DIR, LABELS);
    assert.equal(verdicts.length, 206);
    assert.equal(labels.length, verdicts.length);
    labels.forEach(([line, id, status], index) => assert.deepEqual([Number(line), id, status], [verdicts[index].line, verdicts[index].id, verdicts[index].status]));
  });

  it('gives every response the verdict of our label: hard only where the words prove the address or domain is gone', () => {
    const wrong = providerVerdicts(CORPUS_DIR, LABELS).filter((verdict) => !verdict.agrees).map((verdict) => `${verdict.line} ${verdict.id} ${verdict.status}: label ${verdict.label}, ours ${verdict.ours}`);
    assert.deepEqual(wrong, []);
  });
});
