import * as assert from 'node:assert/strict';
import { escapeMarkdown } from '../../src/core/markdown';

describe('escapeMarkdown (untrusted text in hovers, reports, explanations)', () => {
  it('leaves no link, image, command URI, emphasis or code span that Markdown could act on', () => {
    assert.equal(escapeMarkdown('[x](command:workbench.action.terminal.new)'), '\\[x\\](command:workbench.action.terminal.new)');
    assert.equal(escapeMarkdown('![p](https://evil.example/p.png)'), '!\\[p\\](https://evil.example/p.png)');
    assert.equal(escapeMarkdown('*bold* _it_ `code` ~~gone~~'), '\\*bold\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~');
  });

  it('turns HTML into entities and keeps table cells whole', () => {
    assert.equal(escapeMarkdown('<img src=x onerror=alert(1)> & co'), '&lt;img src=x onerror=alert(1)&gt; &amp; co');
    assert.equal(escapeMarkdown('a | b'), 'a \\| b');
  });

  it('keeps a leading block marker from starting a heading, list or quote', () => {
    assert.equal(escapeMarkdown('# not a heading'), '\\# not a heading');
    assert.equal(escapeMarkdown('- not an item'), '\\- not an item');
    assert.equal(escapeMarkdown('1. not numbered'), '1\\. not numbered');
    assert.equal(escapeMarkdown('> not a quote'), '&gt; not a quote');
    assert.equal(escapeMarkdown('mx1.example-host.test (2 ms)'), 'mx1.example-host.test (2 ms)', 'dots, hyphens and parentheses stay readable');
    assert.equal(escapeMarkdown('5.3.2 — #hashtag -x'), '5.3.2 — #hashtag -x', 'a code or a word is no block marker');
  });

  it('flattens line breaks and tabs to spaces and replaces other control characters', () => {
    assert.equal(escapeMarkdown('550 user\r\n# unknown\tnow\u001b[31m'), '550 user # unknown now?\\[31m');
  });
});
