// Properties that must hold on every bounce of the development corpus, whatever its layout, and the provider
// responses' verdicts against our own labels (test/fixtures/provider-responses/labels.tsv, written here).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import PostalMime from 'postal-mime';
import { extractBounces, type BounceRecord } from '../../src/core/bounce';
import { classify, enhancedCodeIn, replyCodeIn } from '../../src/core/bounce/classify';
import { normalizeAddress } from '../../src/core/bounce/address';
import { ADDRESS_GONE } from '../../src/core/policy/decide';
import { CORPUS_DIR } from '../helpers/corpus';

const EML_DIRS = ['bsd', 'dos', 'mac', 'err', 'not', 'maildir-tmp', 'to-be-debugged'];
const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');

function corpusMessages(): { name: string; bytes: Buffer }[] {
  return EML_DIRS.flatMap((dir) => fs.readdirSync(path.join(CORPUS_DIR, 'eml', dir)).filter((name) => name.endsWith('.eml'))
    .map((name) => ({ name: `${dir}/${name}`, bytes: fs.readFileSync(path.join(CORPUS_DIR, 'eml', dir, name)) })));
}

async function recordsOf(name: string, bytes: Buffer): Promise<BounceRecord[]> {
  const stream = (async function* () { yield bytes; })();
  return (await extractBounces([{ name, stream }], { includeSoft: true })).records;
}

/**
 * The bounce's own parties and the returned original's sender, read here with the MIME parser directly, less the
 * addresses that a field made to name failed recipients names (Final-Recipient, X-Failed-Recipients: mail to oneself).
 */
async function sendersOf(bytes: Buffer): Promise<Set<string>> {
  const email = await PostalMime.parse(bytes.toString('latin1').replace(/\r\n?/g, '\n'), { forceRfc822Attachments: true, attachmentEncoding: 'utf8' });
  const addresses = [email.from?.address, email.returnPath, ...(email.to ?? []).map((entry) => 'address' in entry ? entry.address : undefined)];
  for (const part of email.attachments) {
    if (!/rfc822|headers/.test(part.mimeType)) continue;
    const headers = String(part.content).split(/\n\s*\n/)[0];
    const from = /^(?:From|Return-Path):\s*(.*)$/gim;
    for (const match of headers.matchAll(from)) addresses.push(...(match[1].match(/[^\s<>"]+@[^\s<>"]+/g) ?? []));
  }
  const named = new Set(`${email.headers.find((header) => header.key === 'x-failed-recipients')?.value ?? ''} ${bytes.toString('latin1').match(/^(?:Final|Original)-Recipient:.*$/gim)?.join(' ') ?? ''}`
    .match(/[^\s<>";,]+@[^\s<>";,]+/g)?.map((value) => normalizeAddress(value)?.toLowerCase()) ?? []);
  return new Set(addresses.filter((value): value is string => Boolean(value)).map((value) => normalizeAddress(value)?.toLowerCase() ?? '').filter((value) => !named.has(value)));
}

const key = (record: BounceRecord) => `${record.address.toLowerCase()} ${record.type} ${record.reason} ${record.status} ${record.reply} ${record.source} ${record.rule}`;

describe('corpus properties', function () {
  this.timeout(120_000);
  const messages = corpusMessages();
  const results = new Map<string, BounceRecord[]>();
  before(async () => {
    for (const { name, bytes } of messages) results.set(name, await recordsOf(name, bytes));
  });

  it('reads the corpus (a sanity floor, so the properties below cannot hold vacuously)', () => {
    assert.ok(messages.length > 500, String(messages.length));
    const hard = [...results.values()].flat().filter((record) => record.type === 'hard').length;
    assert.ok(hard > 150, String(hard));
  });

  it("never reports the bounce's or the returned original's sender", async () => {
    const wrong: string[] = [];
    for (const { name, bytes } of messages) {
      const senders = await sendersOf(bytes);
      for (const record of results.get(name)!) if (senders.has(record.address.toLowerCase())) wrong.push(`${name}: ${record.address}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('never calls an address gone with a soft verdict', () => {
    const wrong = [...results].flatMap(([name, list]) => list.filter((record) => record.type === 'soft' && ADDRESS_GONE.has(record.reason)).map((record) => `${name}: ${key(record)}`));
    assert.deepEqual(wrong, []);
  });

  it('shows no U+FFFD in a diagnostic', () => {
    const wrong = [...results].flatMap(([name, list]) => list.filter((record) => record.diagnostic.includes('\uFFFD')).map((record) => `${name}: ${record.diagnostic.slice(0, 80)}`));
    assert.deepEqual(wrong, []);
  });

  it('gives the same records for the same message with LF, CRLF and CR line ends', async () => {
    const differ: string[] = [];
    for (const { name, bytes } of messages.filter((message) => message.name.startsWith('bsd/'))) {
      const lf = bytes.toString('latin1').replace(/\r\n?/g, '\n');
      const expected = (await recordsOf(name, Buffer.from(lf, 'latin1'))).map(key).join('\n');
      for (const [form, ending] of [['CRLF', '\r\n'], ['CR', '\r']] as const) {
        const actual = (await recordsOf(name, Buffer.from(lf.replace(/\n/g, ending), 'latin1'))).map(key).join('\n');
        if (actual !== expected) differ.push(`${name} ${form}:\n  LF: ${expected}\n  ${form}: ${actual}`);
      }
    }
    assert.deepEqual(differ, []);
  });
});

describe('provider responses (206 real replies of 30 providers and filters)', () => {
  const responses = fs.readFileSync(path.join(CORPUS_DIR, 'provider-responses', 'responses.tsv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));
  const labels = fs.readFileSync(path.join(FIXTURES, 'provider-responses', 'labels.tsv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));

  it('has one label of ours per response', () => {
    assert.equal(responses.length, 206);
    assert.equal(labels.length, responses.length);
    labels.forEach(([line, id, status], index) => assert.deepEqual([Number(line), id, status], [index + 1, responses[index][3], responses[index][1]]));
  });

  it('gives every response the verdict of our label: hard only where the words prove the address or domain is gone', () => {
    const wrong: string[] = [];
    responses.forEach(([reply, status, , id, , response], index) => {
      const [, , , type, reason] = labels[index];
      const diagnostic = response.replace(/^smtp;\s*/i, '');
      const verdict = classify({
        address: 'someone@example.com', outcome: reply.startsWith('4') ? 'deferred' : 'failed', status: enhancedCodeIn(diagnostic) ?? enhancedCodeIn(status),
        reply: replyCodeIn(diagnostic, true) ?? reply, diagnostic, file: 'responses.tsv', line: index + 2, format: 'test',
      });
      // A label of "soft" allows review: neither goes on the suppression list.
      const agrees = type === 'hard' ? verdict.type === 'hard' && verdict.reason === reason : verdict.type !== 'hard';
      if (!agrees) wrong.push(`${index + 1} ${id} ${status}: label ${type} ${reason}, ours ${verdict.type} ${verdict.reason} (${verdict.rule})`);
    });
    assert.deepEqual(wrong, []);
  });
});
