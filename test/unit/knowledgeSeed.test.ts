import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { explainCode } from '../../src/core/knowledge';
import type { CodeExplanation } from '../../src/core/knowledge/types';
import { renderExplanationMarkdown, renderExplanationText } from '../../src/core/explain/render';
import { SEED_FILE } from '../helpers/corpus';

type ListField = 'causes' | 'marketerSteps' | 'developerSteps' | 'investigation' | 'bestPractices' | 'examples';

/**
 * Each fact of ../shared/seed/smtp-5.3.2.txt, in the seed's order, and a pattern that must match the item of our
 * entry at the same position. The seed's wording is on the left; the patterns look for the fact, not the words.
 */
const SEED_FACTS: Record<ListField, readonly (readonly [string, RegExp])[]> = {
  causes: [
    ['Permanent Server Shutdown', /shut down for good|switched off permanently/i],
    ['System Misconfiguration', /misconfiguration/i],
    ['Service Disabled', /deactivated|turned off/i],
    ['Network Configuration Issues', /network configuration/i],
    ['Firewall Blocking', /firewall/i],
    ['Abandoned Infrastructure', /abandoned|nobody runs/i],
    ['Policy Rejection', /policy|standing rule/i],
    ['System Migration', /migrat|moved to a new platform/i],
    ['Decommissioned Server', /decommission|retired/i],
    ['Critical System Failure', /critical fault|severe failure/i],
  ],
  marketerSteps: [
    ['Remove from List', /off your active mailing list/i],
    ['Contact Recipient', /another channel.*mail server still works/i],
    ['Document the Issue', /record of the domains/i],
    ['Monitor for Recovery', /check whether the domain has recovered.*not/i],
    ['Use Alternative Channels', /different contact channel/i],
  ],
  developerSteps: [
    ['Remove from Database', /sending database/i],
    ['Implement Bounce Handling', /automate bounce processing.*5\.3\.2/i],
    ['Log System Patterns', /log which receiving servers/i],
    ['Suppression List', /suppression list/i],
    ['Monitor Domain Status', /periodic re-check of domains/i],
  ],
  investigation: [
    ['Check Domain Status', /domain and its mail server are still alive/i],
    ['Test Server Availability', /open an SMTP connection/i],
    ['Check MX Records', /MX records.*point at servers that are running/i],
    ['Contact Support', /IT team/i],
    ['Document Pattern', /several addresses at the same domain/i],
  ],
  bestPractices: [
    ['Never Retry', /do not retry/i],
    ['Remove Immediately', /remove such addresses.*as soon as/i],
    ['Use Suppression Lists', /suppression lists/i],
    ['Monitor Domain Health', /health of domains/i],
    ['Contact Recipients', /other channels/i],
    ['Document Issues', /records of the domains/i],
    ['Check MX Records', /MX records of affected domains/i],
    ['Review Periodically', /review the affected domains.*without expecting/i],
  ],
  examples: [
    ['550 5.3.2 System not accepting network messages', /^550 5\.3\.2 System not accepting network messages$/],
    ['550 5.3.2 <…>: System not accepting network messages - service disabled', /^550 5\.3\.2 <[^>]+>: System not accepting network messages - service disabled$/],
  ],
};

const PROVIDER_RESPONSES: readonly (readonly [string, string])[] = [
  ['Generic', '550 5.3.2 System not accepting network messages'],
  ['Service disabled', 'Mail service permanently disabled'],
  ['System error', 'System permanently unavailable'],
  ['Enterprise', 'Mail server permanently not accepting connections'],
];

describe('5.3.2 carries every fact of the seed', () => {
  const e = explainCode('5.3.2') as CodeExplanation;

  it('is a hard bounce in the technical category, with the seed\'s action', () => {
    assert.equal(e.bounceType, 'hard');
    assert.equal(e.category, 'technical');
    assert.match(e.actionRequired, /off your active list/i);
    assert.match(e.actionRequired, /reach the recipient another way/i);
  });

  it('explains the meaning: permanent, persistent, server-side, and the class/subject/detail breakdown', () => {
    assert.match(e.meaning, /refuses network mail/i);
    assert.match(e.meaning, /lasting condition/i);
    assert.match(e.meaning, /permanent: a hard bounce/i);
    assert.match(e.breakdown[0], /^5: class — permanent failure/);
    assert.match(e.breakdown[1], /^3: subject — Mail System Status/);
    assert.match(e.breakdown[2], /^2: detail — System not accepting network messages/);
  });

  for (const [field, facts] of Object.entries(SEED_FACTS) as [ListField, readonly (readonly [string, RegExp])[]][]) {
    it(`has the seed's ${facts.length} ${field}, one by one`, () => {
      assert.equal(e[field].length, facts.length, `${field} count`);
      facts.forEach(([fact, pattern], index) => assert.match(e[field][index], pattern, `${field} #${index + 1}: ${fact}`));
    });
  }

  it("has the seed's 4 common provider responses", () => {
    assert.deepEqual(e.providerResponses.map((response) => [response.provider, response.text]), PROVIDER_RESPONSES);
  });

  it('contrasts 5.3.2 with 4.3.2', () => {
    assert.match(e.contrast ?? '', /4\.3\.2.*temporary/);
    assert.match(e.contrast ?? '', /5\.3\.2.*persistent/);
    assert.match(e.meaning, /4\.3\.2/);
  });

  it('renders every seed fact in the Markdown and the terminal text', () => {
    for (const rendered of [renderExplanationMarkdown(e), renderExplanationText(e).replace(/\n\s+/g, ' ')]) {
      const plain = rendered.replace(/\\(.)/g, '$1');
      for (const item of [...e.causes, ...e.marketerSteps, ...e.developerSteps, ...e.investigation, ...e.bestPractices]) {
        assert.ok(plain.replace(/\s+/g, ' ').includes(item.replace(/\s+/g, ' ')), item);
      }
    }
  });
});

describe('5.3.2 is written in our own words', () => {
  // Quoted server responses (the seed's "Examples" and "Common Email Provider Responses") are data, not prose:
  // they are compared above and left out here.
  function proseSentences(seed: string): string[] {
    const prose = seed.replace(/\nExamples\n[\s\S]*?\nBest Practices\n/, '\nBest Practices\n');
    return prose
      .split(/\n|(?<=[.!?])\s+|:\s+/)
      .map((sentence) => sentence.replace(/^\s*(?:\d+\.|•)\s*/, '').trim().toLowerCase())
      .filter((sentence) => sentence.split(/\s+/).length >= 5);
  }

  it('copies no sentence of five words or more from the seed', function () {
    if (!existsSync(SEED_FILE)) this.skip();
    const ours = renderExplanationText(explainCode('5.3.2')!).replace(/\s+/g, ' ').toLowerCase();
    const sentences = proseSentences(readFileSync(SEED_FILE, 'utf8'));
    assert.ok(sentences.length > 30, `found ${sentences.length} prose sentences in the seed`);
    const copied = sentences.filter((sentence) => ours.includes(sentence.replace(/[.!?]$/, '')));
    assert.deepEqual(copied, []);
  });

  it('shares few word sequences with the seed (no close paraphrase)', function () {
    if (!existsSync(SEED_FILE)) this.skip();
    const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9.\s]/g, ' ').split(/\s+/).filter(Boolean);
    const sixGrams = (list: string[]) => new Set(list.slice(0, -5).map((_, index) => list.slice(index, index + 6).join(' ')));
    const seedProse = proseSentences(readFileSync(SEED_FILE, 'utf8')).join(' ');
    const e = explainCode('5.3.2')!;
    const oursProse = [e.meaning, e.actionRequired, e.contrast ?? '', ...e.causes, ...e.marketerSteps, ...e.developerSteps, ...e.investigation, ...e.bestPractices].join(' ');
    const seedGrams = sixGrams(words(seedProse));
    const shared = [...sixGrams(words(oursProse))].filter((gram) => seedGrams.has(gram));
    assert.ok(shared.length <= 3, `shared 6-word sequences: ${shared.join(' | ')}`);
  });
});
