// Properties that must hold on every bounce of a corpus, and our labels for the provider responses: checked by the
// unit tests (test/unit/corpusProperties.test.ts) and printed by `npm run accuracy`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import PostalMime from 'postal-mime';
import { extractBounces, type BounceRecord } from '../../src/core/bounce';
import { normalizeAddress } from '../../src/core/bounce/address';
import { classify, enhancedCodeIn, replyCodeIn } from '../../src/core/bounce/classify';
import { ADDRESS_GONE } from '../../src/core/policy/decide';

const EML_DIRS = ['bsd', 'dos', 'mac', 'err', 'not', 'maildir-tmp', 'to-be-debugged'];

export interface PropertyResult {
  readonly name: string;
  /** What breaks the property; empty when it holds. */
  readonly violations: string[];
}

export interface CorpusMessage { readonly name: string; readonly bytes: Buffer }

export function corpusMessages(corpus: string): CorpusMessage[] {
  return EML_DIRS.flatMap((dir) => fs.readdirSync(path.join(corpus, 'eml', dir)).filter((name) => name.endsWith('.eml'))
    .map((name) => ({ name: `${dir}/${name}`, bytes: fs.readFileSync(path.join(corpus, 'eml', dir, name)) })));
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
    for (const match of headers.matchAll(/^(?:From|Return-Path):\s*(.*)$/gim)) addresses.push(...(match[1].match(/[^\s<>"]+@[^\s<>"]+/g) ?? []));
  }
  const named = new Set(`${email.headers.find((header) => header.key === 'x-failed-recipients')?.value ?? ''} ${bytes.toString('latin1').match(/^(?:Final|Original)-Recipient:.*$/gim)?.join(' ') ?? ''}`
    .match(/[^\s<>";,]+@[^\s<>";,]+/g)?.map((value) => normalizeAddress(value)?.toLowerCase()) ?? []);
  return new Set(addresses.filter((value): value is string => Boolean(value)).map((value) => normalizeAddress(value)?.toLowerCase() ?? '').filter((value) => !named.has(value)));
}

const key = (record: BounceRecord) => `${record.address.toLowerCase()} ${record.type} ${record.reason} ${record.status} ${record.reply} ${record.source} ${record.rule}`;

/** Every property over the corpus's messages; `hard` counts the hard records, so that none holds vacuously. */
export async function corpusProperties(corpus: string): Promise<{ messages: number; hard: number; properties: PropertyResult[] }> {
  const messages = corpusMessages(corpus);
  const results = new Map<string, BounceRecord[]>();
  for (const { name, bytes } of messages) results.set(name, await recordsOf(name, bytes));
  const all = [...results].flatMap(([name, list]) => list.map((record) => ({ name, record })));

  const senders: string[] = [];
  for (const { name, bytes } of messages) {
    const known = await sendersOf(bytes);
    for (const record of results.get(name)!) if (known.has(record.address.toLowerCase())) senders.push(`${name}: ${record.address}`);
  }
  const lineEnds: string[] = [];
  for (const { name, bytes } of messages.filter((message) => message.name.startsWith('bsd/'))) {
    const lf = bytes.toString('latin1').replace(/\r\n?/g, '\n');
    const expected = (await recordsOf(name, Buffer.from(lf, 'latin1'))).map(key).join('; ');
    for (const [form, ending] of [['CRLF', '\r\n'], ['CR', '\r']] as const) {
      const actual = (await recordsOf(name, Buffer.from(lf.replace(/\n/g, ending), 'latin1'))).map(key).join('; ');
      if (actual !== expected) lineEnds.push(`${name} ${form}: ${actual} (LF: ${expected})`);
    }
  }
  return {
    messages: messages.length,
    hard: all.filter(({ record }) => record.type === 'hard').length,
    properties: [
      { name: "no reported address is the bounce's or the original's sender", violations: senders },
      { name: 'no record says the address is gone and soft', violations: all.filter(({ record }) => record.type === 'soft' && ADDRESS_GONE.has(record.reason)).map(({ name, record }) => `${name}: ${key(record)}`) },
      { name: 'no diagnostic holds U+FFFD', violations: all.filter(({ record }) => record.diagnostic.includes('\uFFFD')).map(({ name, record }) => `${name}: ${record.diagnostic.slice(0, 80)}`) },
      { name: 'LF, CRLF and CR forms give the same records', violations: lineEnds },
    ],
  };
}

export interface ProviderVerdict { readonly line: number; readonly id: string; readonly status: string; readonly label: string; readonly ours: string; readonly agrees: boolean }

/** Each provider response's verdict next to our label (a "soft" label allows review: neither is suppressed). */
export function providerVerdicts(corpus: string, labelsFile: string): ProviderVerdict[] {
  const responses = fs.readFileSync(path.join(corpus, 'provider-responses', 'responses.tsv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));
  const labels = fs.readFileSync(labelsFile, 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));
  return responses.map(([reply, status, , id, , response], index) => {
    const [, , , type, reason] = labels[index] ?? [];
    const diagnostic = response.replace(/^smtp;\s*/i, '');
    const verdict = classify({
      address: 'someone@example.com', outcome: reply.startsWith('4') ? 'deferred' : 'failed', status: enhancedCodeIn(diagnostic) ?? enhancedCodeIn(status),
      reply: replyCodeIn(diagnostic, true) ?? reply, diagnostic, file: 'responses.tsv', line: index + 2, format: 'test',
    });
    const agrees = type === 'hard' ? verdict.type === 'hard' && verdict.reason === reason : verdict.type !== 'hard';
    return { line: index + 1, id, status, label: `${type} ${reason}`, ours: `${verdict.type} ${verdict.reason} (${verdict.rule})`, agrees };
  });
}
