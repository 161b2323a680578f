import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePartBody } from '../../src/core/mime/decodePart';
import { MAX_NODES, messageStructure } from '../../src/core/mime/structure';
import type { MimeNode } from '../../src/core/mime/structure';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'structure', 'dsn-base64.eml');
const lines = readFileSync(FIXTURE, 'utf8').split('\n');
const outline = (nodes: readonly MimeNode[]): unknown[] => nodes.map((node) => [node.kind, node.label, node.detail, ...(node.children.length ? [outline(node.children)] : [])]);
const count = (nodes: readonly MimeNode[]): number => nodes.reduce((sum, node) => sum + 1 + count(node.children), 0);

describe('message structure', () => {
  it('outlines a DSN: headers, each part with type, charset, encoding and size, each recipient with Action and Status', () => {
    const [message] = messageStructure(lines);
    assert.deepEqual(outline([message]), [[
      'message', 'Échec de la remise du message', 'Wed, 27 Nov 2024 09:14:05 +0100 · multipart/report · 956 B', [
        ['headers', 'Headers', '6 fields'],
        ['part', 'text/plain', 'utf-8 · base64 · 249 B'],
        ['part', 'message/delivery-status', '7bit · 335 B', [
          ['recipient', 'marie.dupont@example.fr', 'Action: failed · Status: 5.1.1'],
          ['recipient', 'jean.martin@example.fr', 'Action: delayed · Status: 4.2.2'],
        ]],
        ['part', 'text/rfc822-headers', '7bit · 150 B', [['headers', 'Returned headers', '4 fields']]],
      ],
    ]]);
  });

  it('places each node on its lines: a part from its first header line to the line before the next delimiter', () => {
    const [message] = messageStructure(lines);
    const [headers, text, status] = message.children;
    assert.deepEqual([headers.startLine, headers.endLine], [0, 5]);
    assert.equal(lines[text.startLine], 'Content-Type: text/plain; charset=utf-8');
    assert.equal(lines[text.endLine + 1], '--OUTER');
    assert.equal(lines[text.body!.startLine - 1], '');
    assert.equal(lines[status.children[1].startLine], 'Final-Recipient: rfc822; jean.martin@example.fr');
  });

  it('gives one node per message of an mbox, with its subject and date', () => {
    const mbox = ['From a@b Mon Jan  1 00:00:00 2024', 'Subject: first', 'Date: Mon, 1 Jan 2024 00:00:00 +0000', '', 'body', '',
      'From c@d Tue Jan  2 00:00:00 2024', 'Subject: second', '', 'x', 'From right after a line of text is no separator'];
    const messages = messageStructure(mbox);
    assert.deepEqual(messages.map((node) => [node.label, node.startLine, node.endLine]), [['first', 0, 5], ['second', 6, 10]]);
    assert.match(messages[0].detail, /^Mon, 1 Jan 2024/);
  });

  it(`stops at ${MAX_NODES.toLocaleString('en')} nodes on a message of 100,000 parts, in linear time`, () => {
    const hostile = ['Content-Type: multipart/mixed; boundary="B"', '', ...Array.from({ length: 100_000 }, () => ['--B', 'Content-Type: text/plain', '', 'x']).flat(), '--B--'];
    const started = performance.now();
    const nodes = messageStructure(hostile);
    assert.ok(count(nodes) <= MAX_NODES + 2, `${count(nodes)} nodes`);
    assert.ok(performance.now() - started < 2000, `${(performance.now() - started).toFixed(0)} ms`);
  });

  it('decodes a base64 part by its charset, and a quoted-printable one', async () => {
    const [message] = messageStructure(lines);
    const text = message.children[1];
    const body = lines.slice(text.body!.startLine, text.endLine + 1).join('\n');
    const decoded = await decodePartBody(body, 'base64', 'text/plain', 'utf-8');
    assert.match(decoded.text, /^Votre message n'a pas pu être remis/);
    assert.match(decoded.text, /jean\.martin@example\.fr : quota dépassé \(552 5\.2\.2\)/);
    assert.equal((await decodePartBody('Bo=C3=AEte pleine=\n (552)', 'quoted-printable', 'text/plain', 'utf-8')).text.trimEnd(), 'Boîte pleine (552)');
    assert.match((await decodePartBody('iVBORw0KGgo=', 'base64', 'image/png')).text, /^\(8 bytes of image\/png: not text\)/);
  });
});
