import * as assert from 'node:assert/strict';
import { explainCode } from '../../src/core/knowledge';
import type { CodeExplanation } from '../../src/core/knowledge/types';
import { renderExplanationMarkdown, renderExplanationText } from '../../src/core/explain/render';
import { explainStatus } from '../../src/core/explain/status';
import { escapeMarkdown } from '../../src/core/markdown';
import { runCliCaptured } from '../helpers/runCliCaptured';
import { EXIT } from '../../src/cli/io';

const HEADINGS = ['Summary', 'What it means', 'Breakdown', 'Common causes', 'What to do — email marketers', 'What to do — developers',
  'How to investigate', 'Example server responses', 'How providers word it', 'Best practices', 'Temporary or permanent?', 'References'];

describe('renderExplanationMarkdown / renderExplanationText', () => {
  const e = explainCode('5.3.2')!;

  it('renders every section of a full-depth entry in both forms', () => {
    const markdown = renderExplanationMarkdown(e);
    const text = renderExplanationText(e);
    assert.match(markdown, /^# 5\.3\.2 — System not accepting network messages\n/);
    assert.match(text, /^5\.3\.2 — System not accepting network messages\n=+\n/);
    for (const heading of HEADINGS) {
      assert.ok(markdown.includes(`## ${escapeMarkdown(heading)}\n`), `markdown: ${heading}`);
      assert.ok(text.includes(`\n${heading.toUpperCase()}\n`), `text: ${heading}`);
    }
    assert.match(text, /Bounce type: Hard bounce/);
    assert.match(text, /Category: technical/);
  });

  it('shows vendor notes and the unregistered flag', () => {
    const text = renderExplanationText(explainCode('5.7.708')!);
    assert.match(text, /VENDOR-SPECIFIC MEANINGS/);
    assert.match(text, /Microsoft 365/);
    assert.match(text, /not registered with IANA/);
    assert.match(renderExplanationText(explainCode('5.6.10')!), /Deprecated in the IANA registry/);
  });

  it('keeps terminal lines at 100 columns or less', () => {
    for (const line of renderExplanationText(e).split('\n')) assert.ok(line.length <= 100, line);
  });

  it('leaves links, HTML and command URIs inert in Markdown', () => {
    const hostile: CodeExplanation = {
      ...e,
      title: '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)>',
      causes: ['**bold** `code` <script>alert(1)</script> ![i](http://x/y.png)'],
      providerResponses: [{ provider: '<b>x</b>', text: '[a](https://evil.example)' }],
    };
    const markdown = renderExplanationMarkdown(hostile);
    assert.doesNotMatch(markdown, /\[click\]\(command:/);
    assert.doesNotMatch(markdown, /<img|<script|<b>/);
    assert.doesNotMatch(markdown, /(?<!\\)\[a\](?!\\)/);
    assert.match(markdown, /\\\[click\\\]\(command:workbench\.action\.terminal\.new\)/);
    assert.match(markdown, /&lt;script&gt;/);
    assert.match(markdown, /\\\*\\\*bold\\\*\\\*/);
  });
});

describe('smtp-diag explain', () => {
  it('prints the full explanation of an enhanced code', async () => {
    const result = await runCliCaptured(['explain', '5.3.2']);
    assert.equal(result.code, EXIT.ok);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, renderExplanationText(explainCode('5.3.2')!));
    assert.match(result.stdout, /Decommissioning under way/);
  });

  it('explains reply codes and vendor codes', async () => {
    const reply = await runCliCaptured(['explain', '550']);
    assert.equal(reply.code, EXIT.ok);
    assert.match(reply.stdout, /^550 — Requested action not taken: mailbox unavailable/);
    const vendor = await runCliCaptured(['explain', '5.7.708']);
    assert.equal(vendor.code, EXIT.ok);
    assert.match(vendor.stdout, /Microsoft/);
  });

  it('explains both codes of "550 5.1.1" as a log writes them, the enhanced code first, from one argument or two', async () => {
    const both = `${renderExplanationText(explainCode('5.1.1')!)}\n${renderExplanationText(explainCode('550')!)}`;
    for (const args of [['550 5.1.1'], ['550', '5.1.1'], ['550-5.1.1']]) {
      const result = await runCliCaptured(['explain', ...args]);
      assert.equal(result.code, EXIT.ok, args.join(' '));
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, both, args.join(' '));
    }
  });

  it('reads a status only when it is the whole text: one code, or a reply code with its enhanced code', () => {
    const codes = (text: string) => explainStatus(text).map((explanation) => explanation.code);
    assert.deepEqual(codes(' 550 5.1.1 '), ['5.1.1', '550']);
    assert.deepEqual(codes('550 #5.1.1'), ['5.1.1', '550']);
    assert.deepEqual(codes('5.8.1'), ['5.8.1']);
    assert.deepEqual(codes('421'), ['421']);
    for (const text of ['5.3.2 5.1.1', '5.1.1 550', '550 5.1.1 User unknown', 'dsn=5.1.1', '550 5.3', '']) assert.deepEqual(codes(text), [], text);
  });

  it('exits 2 with a clear message for a malformed code', async () => {
    const result = await runCliCaptured(['explain', '5.3']);
    assert.equal(result.code, EXIT.usage);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /"5\.3" is not a status code/);
    assert.match(result.stderr, /5\.3\.2/);
  });

  it('does not echo control characters from a bad argument', async () => {
    const result = await runCliCaptured(['explain', '\u001b[31mred']);
    assert.equal(result.code, EXIT.usage);
    assert.ok(!result.stderr.includes(String.fromCharCode(27)), result.stderr);
  });

  it('exits 2 with its usage without a code or with two', async () => {
    for (const args of [['explain'], ['explain', '5.3.2', '5.1.1']]) {
      const result = await runCliCaptured(args);
      assert.equal(result.code, EXIT.usage);
      assert.match(result.stderr, /Usage: smtp-diag explain <code>/);
    }
  });

  it('is listed in --help and has its own usage', async () => {
    assert.match((await runCliCaptured(['--help'])).stdout, /explain\s+Explain a status code/);
    assert.match((await runCliCaptured(['help', 'explain'])).stdout, /Usage: smtp-diag explain <code>/);
  });
});
