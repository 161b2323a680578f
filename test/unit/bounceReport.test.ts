import * as assert from 'node:assert/strict';
import type { ClassifiedEvent } from '../../src/core/bounce';
import type { ExtractSummary } from '../../src/core/bounce/index';
import { BounceReport, diagnosticPattern } from '../../src/core/bounce/report';

const SUMMARY: ExtractSummary = { files: 1, bytes: 0, lines: 0, messages: 0, failed: 0, deferred: 0, delivered: 0, rejectedInbound: 0, laterDelivered: [], problems: [] };

function failure(address: string, diagnostic: string, remoteMta = 'mx.example.com[192.0.2.1]:25'): ClassifiedEvent {
  return { address, outcome: 'failed', status: '5.1.1', reply: '550', diagnostic, remoteMta, file: 'log', line: 1, format: 'test', type: 'hard', reason: 'user-unknown', rule: 'address-gone' };
}

describe('bounce report', () => {
  it('counts a diagnostic as a pattern: addresses, IP addresses and ids masked, words and numbers kept', () => {
    assert.equal(diagnosticPattern('550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown'), '550 5.1.1 <…>: Recipient address rejected: User unknown');
    assert.equal(diagnosticPattern('550 5.7.1 Client host [192.0.2.7] blocked'), '550 5.7.1 Client host […] blocked');
    assert.equal(diagnosticPattern('550-5.1.1 No such user. 41be03b00d2f7-5f3c0d2a6bcsi123456 - gsmtp'), '550-5.1.1 No such user. … - gsmtp');
    assert.equal(diagnosticPattern('451 4.3.0 Temporary   lookup\n failure 20260101'), '451 4.3.0 Temporary lookup failure 20260101');
  });

  it('groups failures of different addresses under one diagnostic, per domain, code and remote host', () => {
    const report = new BounceReport();
    for (const name of ['ann', 'ben', 'cat']) report.add(failure(`${name}@example.com`, `550 5.1.1 <${name}@example.com>: User unknown`));
    report.add(failure('dan@example.org', '550 5.1.1 <dan@example.org>: User unknown', 'mx.example.org [192.0.2.9]'));
    const markdown = report.toMarkdown(SUMMARY);
    assert.match(markdown, /\| example\.com \| 3 \| 0 \| 0 \| 0 \| 0 \| 550 5\.1\.1 &lt;…&gt;: User unknown \(×3\) \|/);
    assert.match(markdown, /\| 5\.1\.1 \| 4 \| 0 \| 0 \| 0 \| 0 \| 550 5\.1\.1 &lt;…&gt;: User unknown \(×4\) \|/);
    assert.match(markdown, /## Per remote host[^\n]*\n\n[^\n]*\n[^\n]*\n\| mx\.example\.com \| 3 \| 0 \| 0 \| 0 \| 0 \|/);
    assert.match(markdown, /\| mx\.example\.org \| 1 \|/);
  });

  it('shows the 50 busiest rows of a table and sums up the others in one row', () => {
    const report = new BounceReport();
    for (let index = 0; index < 53; index++) report.add(failure(`x@d${String(index).padStart(2, '0')}.example`, '550 5.1.1 User unknown'));
    const domains = report.toMarkdown(SUMMARY).split('## Per code')[0];
    assert.equal(domains.split('\n').filter((line) => /^\| d\d\d\.example \|/.test(line)).length, 50);
    assert.match(domains, /\| 3 more domains \| 3 \| 0 \| 0 \| 0 \| 0 \| \|/);
  });

  it('keeps the most frequent diagnostic among thousands of different ones, with the count it surely has', () => {
    const report = new BounceReport();
    for (let index = 0; index < 5000; index++) report.add(failure('a@example.com', `550 5.1.1 unknown user, reason ${index}`));
    for (let index = 0; index < 40; index++) report.add(failure('a@example.com', '550 5.1.1 mailbox gone'));
    const markdown = report.toMarkdown(SUMMARY);
    assert.match(markdown, /\| example\.com \| 5040 \| 0 \| 0 \| 0 \| 0 \| 550 5\.1\.1 mailbox gone \(×40\+\) \|/);
  });
});
