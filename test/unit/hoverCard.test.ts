import * as assert from 'node:assert/strict';
import { hoverCardAt, leadSentences, mxDomainOf } from '../../src/core/codes/hoverCard';
import { explainCode } from '../../src/core/knowledge';

const COMMANDS = { explainCode: 'smtpDiagnostics.explainCode', lookupMx: 'smtpDiagnostics.lookupMx' };
const LINE = 'Nov 27 09:14:04 mail postfix/smtp[2107]: 3F2A11C0B7: to=<old.staff@legacy-corp.example>, relay=mail.legacy-corp.example[203.0.113.7]:25, delay=2.3, dsn=5.3.2, status=bounced (host mail.legacy-corp.example[203.0.113.7] said: 550 5.3.2 System not accepting network messages (in reply to RCPT TO command))';

function link(command: string, argument: string): string {
  return `(command:${command}?${encodeURIComponent(JSON.stringify([argument]))})`;
}

describe('hover card', () => {
  it('explains "550 5.3.2" in one card: title, class, hard/soft, meaning, causes, actions, links', () => {
    const card = hoverCardAt(LINE, LINE.indexOf('550 5.3.2') + 5, COMMANDS);
    assert.ok(card);
    const enhanced = explainCode('5.3.2');
    assert.ok(enhanced);
    assert.equal(LINE.slice(card.start, card.end), '550 5.3.2');
    assert.ok(card.markdown.startsWith('**550 5.3.2** · System not accepting network messages'));
    assert.match(card.markdown, /Class 5: permanent failure · \*\*hard bounce\*\*/);
    assert.match(card.markdown, /\*\*Likely causes\*\* {2}\n• [^\n]+ {2}\n• [^\n]+ {2}\n• [^\n]+ {2}\n\*\*What to do\*\* {2}\n• /);
    assert.equal(card.markdown.match(/^\*\*550 5\.3\.2\*\*/gm)?.length, 1, 'one card for both codes');
    assert.ok(card.markdown.includes(`[Full explanation of 5.3.2]${link(COMMANDS.explainCode, '5.3.2')}`));
    assert.ok(card.markdown.includes(`[Explain 550]${link(COMMANDS.explainCode, '550')}`));
    assert.ok(card.markdown.includes(`[Look up MX for legacy-corp.example]${link(COMMANDS.lookupMx, 'legacy-corp.example')}`));
  });

  it('explains dsn=5.3.2 alone, and a lone reply code', () => {
    const dsn = hoverCardAt(LINE, LINE.indexOf('dsn=5.3.2') + 5, COMMANDS);
    assert.ok(dsn);
    assert.ok(dsn.markdown.startsWith('**5.3.2** · '));
    assert.ok(!dsn.markdown.includes('Reply code'));
    const reply = hoverCardAt('Diagnostic-Code: smtp; 550 User unknown', 24, COMMANDS);
    assert.ok(reply?.markdown.startsWith('**550** · '));
  });

  it('shows the lead of the meaning: its first sentence, or the first two when the first is short', () => {
    const long = 'The recipient mailbox does not exist at the destination domain: the server found no such user (see 5.1.1).';
    assert.equal(leadSentences(`${long} This is common. The domain works.`), long);
    assert.equal(leadSentences('The action succeeded. The detail names the area. More text.'), 'The action succeeded. The detail names the area.');
    assert.equal(leadSentences('No full stop at the end'), 'No full stop at the end');
    assert.equal(leadSentences('Short. Then the rest without a stop'), 'Short. Then the rest without a stop');
  });

  it('follows the bounce policy it is given', () => {
    const soft = hoverCardAt(LINE, LINE.indexOf('dsn=5.3.2') + 5, COMMANDS, { softCodes: ['5.3.*'], hardCodes: [] });
    assert.match(soft?.markdown ?? '', /\*\*soft bounce\*\*/);
  });

  it('gives no card off a code: IP address, pid, queue id, delay', () => {
    for (const needle of ['203.0.113.7', '2107', '3F2A11C0B7', '2.3,']) {
      assert.equal(hoverCardAt(LINE, LINE.indexOf(needle) + 1, COMMANDS), undefined, needle);
    }
  });

  it('keeps text from the line out of the card, except an escaped domain in the MX link', () => {
    const evil = 'to=<x@evil.example>, said: 550 5.3.2 [click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)>';
    const card = hoverCardAt(evil, evil.indexOf('5.3.2'), COMMANDS);
    assert.ok(card);
    assert.ok(!card.markdown.includes('workbench'));
    assert.ok(!card.markdown.includes('<img'));
    const commandsLinked = [...card.markdown.matchAll(/\(command:([\w.]+)\?/g)].map((match) => match[1]);
    assert.deepEqual([...new Set(commandsLinked)].sort(), [COMMANDS.explainCode, COMMANDS.lookupMx].sort());
  });
});

describe('MX domain of a line', () => {
  it('prefers the recipient, then the relay host, then any address', () => {
    assert.equal(mxDomainOf(LINE), 'legacy-corp.example');
    assert.equal(mxDomainOf('host said: 550, relay=MX1.Example.NET[192.0.2.1]:25'), 'mx1.example.net');
    assert.equal(mxDomainOf('** a@b R=r T=smtp H=mx.example.org [192.0.2.1] : 550 NO'), 'mx.example.org');
    // Exim: the recipient after the flag, not the relay host on the same line; a sender's address is skipped.
    assert.equal(mxDomainOf('2026-01-01 10:00:00 1rA2b3-000C4d-5E ** ann@example.net R=dnslookup T=remote_smtp H=mx1.provider.example [192.0.2.1]: 550 5.1.1 unknown'), 'example.net');
    assert.equal(mxDomainOf('qmgr: A1: from=<news@sender.example>, relay=mx.example.org[192.0.2.1] 550 5.1.1'), 'mx.example.org');
    // A bounce's Status line names no address: the document's recipient is used.
    assert.equal(mxDomainOf('Status: 5.1.1', 'example.com'), 'example.com');
    assert.equal(mxDomainOf('<kijitora@example.jp>: host 192.0.2.1 said: 550'), 'example.jp');
  });

  it('finds nothing in IP-only or address-free lines, and does not stall on a long word', () => {
    assert.equal(mxDomainOf('H=127.0.0.1 [127.0.0.1] relay=192.0.2.1 x@192.0.2.1'), undefined);
    assert.equal(mxDomainOf('dsn=5.3.2'), undefined);
    const started = process.hrtime.bigint();
    assert.equal(mxDomainOf(`${'a'.repeat(200_000)}@`), undefined);
    assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'linear time');
  });

  it('gives two distinct actions, not the same one in other words', () => {
    const commands = { explainCode: 'smtpDiagnostics.explainCode', lookupMx: 'smtpDiagnostics.lookupMx' };
    for (const code of ['5.3.2', '4.7.1']) {
      const card = hoverCardAt(code, 0, commands)!.markdown;
      const actions = card.slice(card.indexOf('**What to do**')).split('\n').filter((line) => line.startsWith('• '));
      assert.equal(actions.length, 2, code);
      assert.doesNotMatch(actions[1], code === '5.3.2' ? /off your active/ : /queue retries/, `${code}: ${actions.join(' / ')}`);
    }
  });
});
