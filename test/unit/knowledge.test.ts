import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bounceTypeFor, canonicalCode, DEFAULT_POLICY, explainCode, isPolicyPattern, listCodes } from '../../src/core/knowledge';
import type { CodeExplanation } from '../../src/core/knowledge/types';
import { deepCodes } from '../../src/core/knowledge/deep';

const ROOT = join(__dirname, '..', '..', '..');

/** The registry table typed independently of src/ (test/fixtures/knowledge). */
const REGISTRY_TABLE = readFileSync(join(ROOT, 'test', 'fixtures', 'knowledge', 'iana-enhanced-status-codes.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('X.'))
  .map((line) => {
    const [code, title, deprecated] = line.split('\t');
    return { code, title, deprecated: deprecated === 'deprecated' };
  });

function assertComplete(e: CodeExplanation, label: string, minimum: number): void {
  for (const field of ['title', 'meaning', 'bounceTypeReason', 'actionRequired'] as const) {
    assert.ok(e[field].trim().length > 0, `${label}: ${field} is empty`);
  }
  assert.equal(e.breakdown.length, 3, `${label}: breakdown has class, subject and detail`);
  assert.ok(e.causes.length >= minimum, `${label}: at least ${minimum} causes`);
  assert.ok(e.marketerSteps.length >= minimum, `${label}: at least ${minimum} marketer steps`);
  assert.ok(e.developerSteps.length >= minimum, `${label}: at least ${minimum} developer steps`);
  assert.ok(e.investigation.length >= 1, `${label}: investigation`);
  assert.ok(e.examples.length >= 1, `${label}: examples`);
  assert.ok(e.bestPractices.length >= 1, `${label}: best practices`);
  assert.ok(e.references.length >= 1, `${label}: references`);
  for (const list of [e.causes, e.marketerSteps, e.developerSteps, e.investigation, e.examples, e.bestPractices]) {
    for (const item of list) assert.ok(item.trim().length > 0, `${label}: empty list item`);
  }
}

describe('knowledge base: the IANA registry', () => {
  it('the fixture table has the 81 registered details from X.0.0 to X.7.30', () => {
    assert.equal(REGISTRY_TABLE.length, 81);
    assert.equal(REGISTRY_TABLE.filter((row) => row.deprecated).map((row) => row.code).join(), 'X.6.10');
  });

  it('explains every registry code in class 2, 4 and 5 completely, with the registry title', () => {
    for (const row of REGISTRY_TABLE) {
      for (const statusClass of [2, 4, 5]) {
        const code = row.code.replace('X', String(statusClass));
        const e = explainCode(code);
        assert.ok(e, code);
        assert.equal(e.code, code);
        assert.equal(e.kind, 'enhanced');
        assert.equal(e.statusClass, statusClass);
        assert.equal(e.title, row.title, `${code} title`);
        assert.equal(e.registered, true, code);
        assert.equal(e.deprecated ?? false, row.deprecated, `${code} deprecated flag`);
        assertComplete(e, code, 2);
        if (statusClass === 2) assert.equal(e.bounceType, 'none', code);
        else assert.ok(['hard', 'review', 'soft'].includes(e.bounceType), code);
        if (statusClass === 2) assert.equal(e.category, 'success', code);
      }
    }
  });

  it('says what each class means in the breakdown and in the meaning', () => {
    assert.match(explainCode('4.2.2')!.breakdown[0], /persistent transient failure/);
    assert.match(explainCode('5.2.2')!.breakdown[0], /permanent failure/);
    assert.match(explainCode('2.1.5')!.breakdown[0], /success/);
    assert.match(explainCode('5.1.1')!.breakdown[1], /Addressing Status/);
    assert.match(explainCode('5.1.1')!.breakdown[2], /Bad destination mailbox address/);
    assert.notEqual(explainCode('4.4.1')!.meaning, explainCode('5.4.1')!.meaning);
  });

  it('marks X.6.10 deprecated and points to X.6.8', () => {
    const e = explainCode('5.6.10')!;
    assert.equal(e.deprecated, true);
    assert.match(e.meaning, /X\.6\.8/);
  });

  it('covers the newer registrations: null MX, sender null MX, ARC, REQUIRETLS', () => {
    assert.equal(explainCode('5.1.10')!.category, 'null-mx');
    assert.match(explainCode('5.1.10')!.meaning, /RFC 7505/);
    assert.match(explainCode('5.7.27')!.meaning, /null MX/);
    assert.match(explainCode('5.7.29')!.meaning, /ARC/);
    assert.match(explainCode('5.7.30')!.meaning, /REQUIRETLS/);
    assert.ok(explainCode('5.7.30')!.references.includes('RFC 8689'));
  });

  it('accepts leading zeros and surrounding spaces, and canonicalises the code', () => {
    assert.equal(explainCode(' 5.07.026 ')!.code, '5.7.26');
    assert.equal(canonicalCode('5.07.026'), '5.7.26');
    assert.equal(canonicalCode(' 550 '), '550');
  });

  it('returns undefined for malformed codes', () => {
    for (const text of ['', '5.3', '3.1.1', '5.3.2.1', '10.4.1', 'x.1.1', '5.1234.1', '999', '650', '55', '5500', '364', '5 .3.2', 'abc']) {
      assert.equal(explainCode(text), undefined, JSON.stringify(text));
      assert.equal(canonicalCode(text), undefined, JSON.stringify(text));
    }
  });
});

describe('knowledge base: codes outside the registry', () => {
  it('explains an unregistered detail from class and subject and says it is not registered', () => {
    const e = explainCode('5.3.9')!;
    assert.equal(e.registered, false);
    assert.equal(e.bounceType, 'review', 'permanent, but nothing says the address is gone');
    assert.match(e.title, /Unregistered detail of Mail System Status/);
    assert.match(e.meaning, /not in the IANA registry/);
    assert.match(e.breakdown[2], /not registered/);
    assertComplete(e, '5.3.9', 2);
  });

  it('explains an unknown subject without claiming a registry meaning', () => {
    const e = explainCode('5.12.345')!;
    assert.equal(e.registered, false);
    assert.match(e.breakdown[1], /not defined/);
  });

  it('labels Microsoft 365 codes 5.7.6xx and 5.7.7xx as vendor-specific', () => {
    for (const code of ['5.7.606', '5.7.649', '5.7.700', '5.7.708', '5.7.750', '5.7.680']) {
      const e = explainCode(code)!;
      assert.equal(e.registered, false, code);
      assert.match(e.title, /Microsoft/, code);
      assert.ok(e.vendorNotes.some((note) => /Microsoft/.test(note.vendor)), code);
      assertComplete(e, code, 2);
    }
    assert.match(explainCode('5.7.606')!.title, /banned sending IP/);
    assert.match(explainCode('5.7.708')!.meaning, /tenant/);
    assert.equal(explainCode('5.7.708')!.bounceType, 'soft');
  });

  it("explains Microsoft's 5.4.1 as a directory-based refusal of unknown recipients", () => {
    const e = explainCode('5.4.1')!;
    assert.equal(e.title, 'No answer from host');
    assert.equal(e.category, 'user-unknown');
    // Alone the code is ambiguous (the registry's "no answer from host"); Microsoft's words decide.
    assert.equal(e.bounceType, 'review');
    assert.ok(e.vendorNotes.some((note) => /Microsoft/.test(note.vendor) && /Access denied/.test(note.note) && /Directory-Based Edge Blocking/.test(note.note)));
  });

  it("explains Gmail's 5.7.26 and 4.7.26 as unauthenticated mail (SPF, DKIM, DMARC)", () => {
    for (const code of ['5.7.26', '4.7.26']) {
      const e = explainCode(code)!;
      assert.equal(e.category, 'authentication', code);
      const gmail = e.vendorNotes.find((note) => note.vendor === 'Gmail');
      assert.ok(gmail, code);
      assert.match(gmail.note, /SPF/);
      assert.match(gmail.note, /DKIM/);
      assert.match(gmail.note, /DMARC/);
    }
    assert.equal(explainCode('5.7.26')!.bounceType, 'soft');
    assert.equal(explainCode('4.7.26')!.bounceType, 'soft');
  });

  it('explains the 4.4.8 collision between an expired draft and Microsoft MTA-STS', () => {
    const e = explainCode('4.4.8')!;
    assert.equal(e.registered, false);
    assert.match(e.title, /expired IETF draft/);
    const note = e.vendorNotes[0];
    assert.match(note.note, /expired/);
    assert.match(note.note, /MTA-STS/);
    assert.match(note.note, /RFC 8461/);
  });

  it('recognises pseudo codes of a bounce parser (5.0.9xx)', () => {
    const e = explainCode('5.0.911')!;
    assert.equal(e.registered, false);
    assert.ok(e.vendorNotes.some((note) => /Sisimai/.test(note.vendor)));
  });
});

describe('knowledge base: basic reply codes', () => {
  const RFC5321 = ['211', '214', '220', '221', '250', '251', '252', '421', '450', '451', '452', '455', '500', '501', '502', '503', '504', '550', '551', '552', '553', '554', '555'];

  it('explains every RFC 5321 §4.2 failure and success reply code and RFC 7504 521 and 556', () => {
    for (const code of [...RFC5321, '521', '556']) {
      const e = explainCode(code)!;
      assert.ok(e, code);
      assert.equal(e.kind, 'reply');
      assert.equal(e.registered, true, code);
      assert.equal(e.statusClass, Number(code[0]), code);
      assertComplete(e, code, 2);
      assert.match(e.meaning, new RegExp(`${code[0]}\\.x\\.x`), `${code}: relates the first digit to the enhanced class`);
    }
    assert.ok(explainCode('521')!.references.includes('RFC 7504'));
    assert.ok(explainCode('556')!.references.includes('RFC 7504'));
  });

  it('explains the 354 intermediate reply as part of the dialogue, never a bounce', () => {
    const e = explainCode('354')!;
    assert.equal(e.registered, true);
    assert.equal(e.statusClass, 3);
    assert.equal(e.bounceType, 'none');
    assert.match(e.title, /Start mail input/);
    assert.match(e.meaning, /no enhanced status code/);
    assert.equal(bounceTypeFor('354'), 'none');
  });

  it('explains an unlisted reply code from its digits', () => {
    const e = explainCode('526')!;
    assert.equal(e.registered, false);
    assert.equal(e.bounceType, 'review');
    assert.match(e.title, /Unlisted/);
  });
});

describe('knowledge base: full-depth entries', () => {
  // The most frequent registered statuses in ../shared/corpus/expected-sisimai.tsv (development split),
  // plus the codes the issue names, the vendor collisions and the enhanced codes most seen in expected-logs.tsv.
  const TOP = ['5.1.1', '5.0.0', '5.7.1', '5.2.2', '5.1.0', '4.0.0', '5.2.1', '5.5.0', '5.4.4', '5.2.0', '4.4.1', '4.4.7', '5.7.9',
    '5.7.0', '5.1.8', '4.3.0', '5.7.26', '5.1.2', '5.3.4', '5.4.6', '5.1.6', '4.2.2', '5.4.1', '5.1.10', '4.7.1', '5.3.0', '5.3.2',
    '4.7.26', '5.7.25', '5.4.7', '4.4.2', '5.7.23', '5.7.27', '4.1.8', '5.5.2'];

  it('has at least 25 codes at full depth, including every code on the list', () => {
    assert.ok(deepCodes().length >= 25);
    for (const code of TOP) assert.ok(deepCodes().includes(code), code);
  });

  it('fills every list of a full-depth entry like the seed does', () => {
    for (const code of deepCodes()) {
      const e = explainCode(code)!;
      assert.ok(e.causes.length >= 6, `${code} causes`);
      assert.equal(e.marketerSteps.length, 5, `${code} marketer steps`);
      assert.equal(e.developerSteps.length, 5, `${code} developer steps`);
      assert.equal(e.investigation.length, 5, `${code} investigation`);
      assert.ok(e.examples.length >= 2, `${code} examples`);
      assert.ok(e.providerResponses.length >= 3, `${code} provider responses`);
      assert.ok(e.bestPractices.length >= 6, `${code} best practices`);
      assert.ok(e.contrast, `${code} contrast`);
      assert.ok(e.examples.some((example) => example.includes(code)), `${code}: an example shows the code`);
    }
  });

  it('lists every registry code in three classes plus the reply codes for the quick pick', () => {
    const codes = listCodes();
    assert.equal(codes.filter((entry) => entry.code.includes('.')).length, 81 * 3);
    assert.ok(codes.some((entry) => entry.code === '550'));
    assert.ok(codes.some((entry) => entry.code === '5.6.10' && /deprecated/.test(entry.title)));
    assert.equal(new Set(codes.map((entry) => entry.code)).size, codes.length);
    for (const entry of codes) assert.ok(explainCode(entry.code), entry.code);
  });
});

describe('bounce policy', () => {
  it('follows the class digit and the code\'s meaning without an overriding pattern', () => {
    assert.equal(bounceTypeFor('5.1.1'), 'hard');
    assert.equal(bounceTypeFor('4.4.1'), 'soft');
    assert.equal(bounceTypeFor('2.0.0'), 'none');
    assert.equal(bounceTypeFor('550'), 'review', 'permanent, but a bare 550 does not say the address is gone');
    assert.equal(bounceTypeFor('250'), 'none');
    assert.equal(bounceTypeFor('not a code'), 'none');
  });

  it('applies the documented defaults', () => {
    assert.equal(bounceTypeFor('5.2.2'), 'soft');
    assert.equal(bounceTypeFor('5.7.1'), 'soft');
    assert.equal(bounceTypeFor('5.7.13'), 'soft', 'a disabled account is often enabled again');
    assert.equal(bounceTypeFor('5.7.17'), 'hard', 'the mailbox now belongs to someone else');
    assert.equal(bounceTypeFor('5.5.0'), 'soft');
    assert.equal(bounceTypeFor('552'), 'soft');
    assert.equal(bounceTypeFor('550'), 'review', 'a bare 550 does not say why');
    assert.equal(bounceTypeFor('5.0.0'), 'review');
    assert.equal(bounceTypeFor('5.3.2'), 'hard');
    assert.match(explainCode('5.2.2')!.bounceTypeReason, /mailbox-full.*full mailbox.*words decide/);
    assert.match(explainCode('5.1.1')!.bounceTypeReason, /5\.1\.1 by itself says the address/);
    assert.match(explainCode('550')!.bounceTypeReason, /^Review: 550 says the failure is permanent but not why/);
  });

  it('lets a user policy override the defaults, most specific pattern first, hard on a tie', () => {
    const policy = { softCodes: ['5.1.*', '4.*.*'], hardCodes: ['5.1.1', '4.2.2', '5.*.*'] };
    assert.equal(bounceTypeFor('5.1.1', policy), 'hard', 'exact beats 5.1.*');
    assert.equal(bounceTypeFor('5.1.2', policy), 'soft', '5.1.* beats 5.*.*');
    assert.equal(bounceTypeFor('4.2.2', policy), 'hard', 'a user may make a transient code hard');
    assert.equal(bounceTypeFor('5.2.2', policy), 'hard', 'the default soft 5.2.2 is gone when the user replaces the list');
    assert.equal(bounceTypeFor('2.0.0', { softCodes: [], hardCodes: ['2.*.*'] }), 'none', 'success is never a bounce');
    assert.equal(bounceTypeFor('5.7.1', { softCodes: ['5.7.*'], hardCodes: ['5.7.*'] }), 'hard', 'tie goes to hard');
    assert.equal(bounceTypeFor('554', { softCodes: ['55*'], hardCodes: [] }), 'soft', 'reply code wildcard');
    assert.equal(bounceTypeFor('5.5.4', { softCodes: ['55*'], hardCodes: [] }), 'review', 'a reply pattern does not match enhanced codes');
    const e = explainCode('5.1.2', policy)!;
    assert.equal(e.bounceType, 'soft');
    assert.match(e.bounceTypeReason, /5\.1\.\* is in the smtpDiagnostics\.bounce\.softCodes setting/);
  });

  it('ignores malformed patterns and validates them', () => {
    assert.equal(bounceTypeFor('5.1.1', { softCodes: ['5.1', 'x', ''], hardCodes: [] }), 'hard');
    for (const good of ['5.2.2', '5.7.*', '*.7.*', '552', '55*', '4.*.*']) assert.ok(isPolicyPattern(good), good);
    for (const bad of ['5.2', '5.x.1', '6.1.1', '5520', '', '5.2.2.2']) assert.ok(!isPolicyPattern(bad), bad);
  });

  it('is the default of the settings in package.json, with every default explained there', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const configuration = manifest.contributes.configuration;
    const sections = Array.isArray(configuration) ? configuration : [configuration];
    const properties = Object.assign({}, ...sections.map((section: { properties?: object }) => section.properties ?? {}));
    const soft = properties['smtpDiagnostics.bounce.softCodes'];
    const hard = properties['smtpDiagnostics.bounce.hardCodes'];
    assert.deepEqual(soft.default, DEFAULT_POLICY.softCodes);
    assert.deepEqual(hard.default, DEFAULT_POLICY.hardCodes);
    const pattern = new RegExp(soft.items.pattern);
    for (const entry of [...DEFAULT_POLICY.softCodes, ...DEFAULT_POLICY.hardCodes]) {
      assert.ok(pattern.test(entry), entry);
      const description = `${soft.markdownDescription} ${hard.markdownDescription}`;
      const mentioned = description.includes(`\`${entry}\``) || /^50[0-4]$/.test(entry);
      assert.ok(mentioned, `${entry} is explained in a markdownDescription`);
    }
  });
});
