import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CODE_KEYS, codeAt, CodeMention, findCodes } from '../../src/core/codes/recognize';
import { dsnFieldRecall, logKeyRecall, readLabelledSet, scoreLabelledSet } from '../helpers/codeAccuracy';
import { needsCorpus } from '../helpers/corpus';

/** "550-5.1.1 → 550 5.1.1 server-reply" per mention: the text its range covers, its codes and its context. */
function describe_(line: string): string[] {
  return findCodes(line).map((mention) => summary(line, mention));
}

function summary(line: string, mention: CodeMention): string {
  const codes = [mention.reply?.code, mention.enhanced?.code].filter(Boolean).join(' ');
  return `${line.slice(mention.start, mention.end)} → ${codes} ${mention.context}`;
}

describe('status-code recognizer', () => {
  describe('finds codes in their usual places', () => {
    const cases: [string, string[]][] = [
      ['host mx.example.com[192.0.2.1] said: 550 5.3.2 System not accepting network messages',
        ['550 5.3.2 → 550 5.3.2 server-reply']],
      ['said: 550-5.1.1 The email account that you tried to reach does not exist', ['550-5.1.1 → 550 5.1.1 server-reply']],
      ['to=<a@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=2.3, delays=0.1/0/1.2/1, dsn=5.3.2, status=bounced',
        ['5.3.2 → 5.3.2 dsn-field']],
      ['Status: 5.3.2', ['5.3.2 → 5.3.2 status-field']],
      ['Diagnostic-Code: smtp; 550 5.3.2 System not accepting', ['550 5.3.2 → 550 5.3.2 diagnostic-code']],
      ['Diagnostic-Code: SMTP; 550 User unknown', ['550 → 550 diagnostic-code']],
      ['Remote Server returned \'550 5.1.1 RESOLVER.ADR.RecipNotFound; not found\'', ['550 5.1.1 → 550 5.1.1 server-reply']],
      ['sorry, no mailbox here by that name. (#5.1.1)', ['5.1.1 → 5.1.1 hash']],
      ['** n99@test.ex R=client T=smtp H=127.0.0.1 [127.0.0.1] : SMTP error from remote mail server after RCPT TO:<n99@test.ex>: 550 NO',
        ['550 → 550 server-reply']],
      ['sm-mta[1234]: x1: to=<a@b.example>, delay=00:00:01, mailer=esmtp, pri=1, relay=mx.b.example. [192.0.2.3], dsn=5.1.1, stat=User unknown',
        ['5.1.1 → 5.1.1 dsn-field']],
      ['=> y@test.ex R=client T=smtp H=127.0.0.1 [127.0.0.1] C="250 OK id=10HmbC-000000005vi-0000"', ['250 → 250 exim-confirmation']],
      ['<<< 550 5.1.1 <kijitora@example.jp>... User unknown', ['550 5.1.1 → 550 5.1.1 server-reply']],
      ['    (reason: 550 Unknown user)', ['550 → 550 server-reply']],
      ['C="250-First line\\n250 OK"', ['250 → 250 exim-confirmation', '250 → 250 server-reply']],
      ['status=sent (250 2.0.0 Ok: queued as 8C1D2E3F4A)', ['250 2.0.0 → 250 2.0.0 server-reply']],
      ['RCPT TO not accepted: 5.7.1 This system is not configured', ['5.7.1 → 5.7.1 bare']],
      ['NOQUEUE: reject: RCPT from x[192.0.2.9]:4984: 554 5.7.1 Service unavailable', ['554 5.7.1 → 554 5.7.1 server-reply']],
      ['#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##', ['550 5.1.1 → 550 5.1.1 server-reply']],
      ['Status: 5.01.001 (leading zeros)', ['5.01.001 → 5.1.1 status-field']],
      ['Diagnostic-Code: smtp; 554 554 5.7.1 Service unavailable', ['554 → 554 diagnostic-code', '554 5.7.1 → 554 5.7.1 server-reply']],
      ['Recipient address rejected: mailbox unavailable -> 550 : User unknown', ['550 → 550 server-reply']],
      ['courieresmtpd: error,relay=::ffff:192.0.2.3,msg="535 Authentication failed."', ['535 → 535 server-reply']],
      ['<kijitora@example.or.jp>... Deferred: 421', ['421 → 421 server-reply']],
      ['H=(x) [192.0.2.7]:41556 I=[10.0.0.1]:25: 535 Incorrect authentication data', ['535 → 535 server-reply']],
      ['rejected RCPT <u@test.ex>: 599 5.2.3 Main and extended code', ['5.2.3 → 5.2.3 bare']],
      ['Diagnostic-Code: X-Unix; 255', []],
      // Sendmail's rejection of a command; the Mail Log grammar colours the same key (syntaxes/smtp-log.tmLanguage.json).
      ['sendmail[2101]: x1: ruleset=check_rcpt, arg1=<a@example.com>, relay=[192.0.2.1], reject=550 5.7.1 <a@example.com>... Relaying denied',
        ['550 5.7.1 → 550 5.7.1 server-reply']],
    ];
    it('knows the same code keys (dsn=, reject=, …) as the Mail Log grammar colours', () => {
      const grammar = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'syntaxes', 'smtp-log.tmLanguage.json'), 'utf8'));
      const lists = [...(grammar.repository['status-codes'].match as string).matchAll(/\(\?<=(dsn=[^)]*)\)/g)].map((match) => match[1]);
      assert.ok(lists.length > 0);
      for (const list of lists) {
        assert.deepEqual([...new Set(list.split('|').map((key) => key.replace(/=$/, '').toLowerCase()))].sort(), [...CODE_KEYS].sort());
      }
    });
    for (const [line, expected] of cases) {
      it(JSON.stringify(line.slice(0, 70)), () => assert.deepEqual(describe_(line), expected));
    }
  });

  describe('does not mistake other numbers for codes', () => {
    const negatives: string[] = [
      'connect from client.example.net[10.4.1.2]',
      'connect from unknown[5.3.2.1] and 192.0.2.55',
      'Postfix 2.4.1 and Postfix 3.5.2 and Exim 4.94.2 and v2.4.1 and version 5.1.1 and Linux 2.6.32',
      'X-Mailer: PHPMailer 5.2.7 (https://github.com/PHPMailer/PHPMailer/)',
      '  by smtp9.example.com (Nyaan SMTP 2.2.22) with ESMTP id 22222222',
      'Nov 27 09:14:02 mail postfix/smtpd[550]: 2026-11-27 05.11.2026 12:55:02',
      'delay=550, size=550, nrcpt=250, delays=0.1/0.01/1.2/1, conn_use=250',
      'relay=mx.example.com[192.0.2.10]:25, connect to mx.example.com[192.0.2.10]:587: Connection refused; port 465',
      'queue id 550A2B3C4D, message-id=<550.2.1.1@example.com>, <20261127091402.3F2A11C0B7@mail.example.org>',
      'timeout after 550 seconds: took 250 ms: 421 bytes',
      'Content-Length: 250',
      'color: #555 !important; width=3D"226"',
      '(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))',
      'postfix/anvil[1234]: statistics: max connection rate 250/60s for (smtp:192.0.2.1) at Nov 27 09:14:02',
    ];
    for (const line of negatives) {
      it(JSON.stringify(line.slice(0, 70)), () => assert.deepEqual(describe_(line), []));
    }
  });

  describe('codeAt (for the hover)', () => {
    const line = 'to=<a@example.com>, dsn=5.3.2, status=bounced (host x[192.0.2.1] said: 550 5.3.2 System not accepting)';
    const pair = line.indexOf('550 5.3.2');

    it('returns the pair whichever of its codes is under the cursor, and its whole range', () => {
      for (const column of [pair, pair + 2, pair + 4, pair + 8, pair + 9]) {
        const mention = codeAt(line, column);
        assert.ok(mention, `column ${column}`);
        assert.deepEqual([mention.start, mention.end, mention.reply?.code, mention.enhanced?.code], [pair, pair + 9, '550', '5.3.2']);
      }
    });

    it('returns nothing beside a code, on an IP address or past the end of the line', () => {
      assert.equal(codeAt(line, pair - 2), undefined);
      assert.equal(codeAt(line, line.indexOf('192.0.2.1') + 2), undefined);
      assert.equal(codeAt(line, line.length + 10), undefined);
    });

    it('stays fast on huge and junk lines (binary data, number runs)', () => {
      const junk = Array.from({ length: 200_000 }, (_, index) => String.fromCharCode((index * 7919) % 256)).join('');
      for (const line of [junk, '550 '.repeat(250_000), '5.5.5.'.repeat(150_000), '2'.repeat(1_000_000)]) {
        const started = process.hrtime.bigint();
        for (const column of [0, line.length >> 1, line.length - 1]) codeAt(line, column);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        // A bound against time in the square of the length (seconds on these lines), loose enough for a busy machine.
        assert.ok(ms < 250, `${ms} ms for 3 hovers on a ${line.length}-character line`);
      }
    });

    it('agrees with findCodes at every column of real corpus lines', () => {
      for (const { text } of readLabelledSet()) {
        const mentions = findCodes(text);
        for (let column = 0; column <= text.length; column += 1) {
          const expected = mentions.find((mention) => mention.start <= column && column <= mention.end);
          assert.deepEqual(codeAt(text, column), expected, `${text} @${column}`);
        }
      }
    });
  });

  describe('accuracy on the corpus (figures also printed by scripts/code-recognizer-accuracy.mjs)', () => {
    it('reaches precision ≥ 0.98 and recall ≥ 0.95 on the hand-checked labelled lines', () => {
      const score = scoreLabelledSet(readLabelledSet());
      console.log(`      labelled set: precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)} (TP ${score.truePositives}, FP ${score.falsePositives}, FN ${score.falseNegatives})`);
      assert.ok(score.precision >= 0.98, `precision ${score.precision}`);
      assert.ok(score.recall >= 0.95, `recall ${score.recall}`);
    });

    it('finds ≥ 99 % of the codes named by expected-logs.tsv and by the DSN Status:/Diagnostic-Code: fields', function () {
      needsCorpus(this);
      for (const result of [logKeyRecall(), dsnFieldRecall()]) {
        console.log(`      ${result.rule}: recall ${result.recall.toFixed(3)} (${result.found}/${result.expected})`);
        assert.ok(result.recall >= 0.99, `${result.rule}: ${result.misses.slice(0, 5).join('\n')}`);
      }
    });
  });
});
