// The one decision table (src/core/policy/decide.ts): its rows in order, the wording groups in eleven languages,
// and the promise that explain, hover and extract give the same verdict for a code.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classify, createClassifier, smtpStageIn } from '../../src/core/bounce/classify';
import type { BounceEvent } from '../../src/core/bounce/types';
import { hoverCardAt } from '../../src/core/codes/hoverCard';
import { explainCode, listCodes } from '../../src/core/knowledge';
import { codeVerdict, decide, type RowName } from '../../src/core/policy/decide';

const ROOT = path.join(__dirname, '..', '..', '..');
const failure = (diagnostic: string, extra: Partial<BounceEvent> = {}): BounceEvent =>
  ({ address: 'a@example.com', outcome: 'failed', diagnostic, file: 'x', line: 1, format: 'test', ...extra });
const verdictOf = (diagnostic: string, extra: Partial<BounceEvent> = {}) => {
  const { type, reason } = classify(failure(diagnostic, extra));
  return `${type} ${reason}`;
};

describe('decision table', () => {
  it('takes its rows in order: user pattern, passing condition, sender or message, address gone, stage, code', () => {
    const rowOf = (diagnostic: string, extra: Partial<BounceEvent> = {}, policy?: { hardCodes: string[]; softCodes: string[] }) =>
      classify(failure(diagnostic, extra), policy).rule;
    const spamhaus = '554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org';
    assert.equal(rowOf(spamhaus, { status: '5.7.1' }, { hardCodes: ['5.7.1'], softCodes: [] }), 'user-pattern' satisfies RowName);
    assert.equal(rowOf('552 5.2.2 <a@example.com>: user unknown, mailbox full', { status: '5.2.2' }), 'passing-condition');
    assert.equal(rowOf(spamhaus, { status: '5.7.1' }), 'sender-or-message');
    assert.equal(rowOf('550 5.1.1 <a@example.com>: Recipient address rejected: User unknown', { status: '5.1.1' }), 'address-gone');
    assert.equal(rowOf('550 Rejected', { reply: '550', stage: 'MAIL' }), 'stage');
    assert.equal(rowOf('', { status: '5.1.1' }), 'code');
    assert.equal(rowOf('550 Requested action not taken: mailbox unavailable', { reply: '550' }), 'weak-wording');
    assert.equal(rowOf('550 Go away', { reply: '550' }), 'class');
  });

  it('reads the words after "Recipient address rejected:", not the prefix', () => {
    assert.equal(verdictOf('450 4.7.1 <a@example.com>: Recipient address rejected: Greylisted, see http://example.net/grey.html', { status: '4.7.1' }), 'soft rate-limited');
    assert.equal(verdictOf('expired in queue; last error: 450 4.7.1 <a@example.com>: Recipient address rejected: Greylisted', { status: '5.7.1' }), 'soft rate-limited');
    assert.equal(verdictOf('550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in virtual mailbox table', { status: '5.1.1' }), 'hard user-unknown');
    // With nothing after it, the prefix points at the recipient without proof.
    assert.equal(classify(failure('550 <a@example.com>: Recipient address rejected', { reply: '550' })).type, 'review');
  });

  it('keeps temporary conditions soft, whatever the code', () => {
    for (const [diagnostic, reason] of [
      ['Host or domain name not found. Name service error for name=example.com type=MX: Host not found, try again', 'network'],
      ['Your message was not delivered within 2 days of being sent', 'expired'],
      ['550 5.1.1 recipient reached disk quota', 'mailbox-full'],
      ['554 5.2.2 mailbox full', 'mailbox-full'],
      ['421 too many connections from your IP, try again later', 'rate-limited'],
      ['550 mail for example.com loops back to myself', 'network'],
    ]) assert.equal(verdictOf(diagnostic), `soft ${reason}`, diagnostic);
  });

  it('finds the SMTP stage however an MTA writes it, and judges "user unknown" after DATA the same in each form', () => {
    for (const [text, stage] of [
      ['550 5.7.1 blocked (in reply to MAIL FROM command)', 'MAIL'], ['-------SMTP command DATA 550 User unknown', 'DATA'],
      ['SMTP command: RCPT TO:<a@example.com> 550 no such user', 'RCPT'], ['Remote-Command: DATA 550 User unknown', 'DATA'],
      ['SMTP error from remote mail server after end of data: 550 User unknown', 'DATA'], ['failed during mail delivery: 550 User unknown', undefined],
    ] as const) assert.equal(smtpStageIn(text), stage, text);
    for (const text of ['550 User unknown (in reply to end of DATA command)', '-------SMTP command DATA\n550 User unknown', 'Remote-Command: DATA 550 User unknown']) {
      assert.equal(verdictOf(text, { reply: '550' }), 'soft policy', text);
    }
  });

  it('takes any text as an address: one of 30,000 pattern characters is classified, not thrown on (found by npm run fuzz)', () => {
    for (const address of [`${'%'.repeat(32_751)}@example.jp`, `${'not found '.repeat(3_276)}@docomo.ne.jp`, '(a)[b]*+?@ezweb.ne.jp']) {
      const verdict = classify(failure(`550 <${address}>: User unknown`, { address, status: '5.0.0' }));
      assert.equal(verdict.reason, 'user-unknown', address.slice(0, 20));
    }
    // At a mobile carrier the echo still proves RCPT TO was answered.
    assert.equal(classify(failure('550 <a.b@ezweb.ne.jp>: User unknown', { address: 'a.b@ezweb.ne.jp' })).type, 'hard');
    assert.equal(classify(failure('550 : User unknown', { address: 'a.b@ezweb.ne.jp' })).type, 'soft');
  });

  it('reads identifiers as data, not words: a Gmail ID that spells "quota" says nothing of a full mailbox', () => {
    const gmail = (id: string) => `550-5.1.1 The email account that you tried to reach does not exist. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser ${id} - gsmtp`;
    assert.equal(verdictOf(gmail('d9443c01a7336-2f3a5b2c4esi1234567pln.12'), { status: '5.1.1' }), 'hard user-unknown');
    assert.equal(verdictOf(gmail('xquota9443c01a7-2f3a5b2c4esi1234567pln.12'), { status: '5.1.1' }), 'hard user-unknown');
    // Words stay words, with or without digits nearby: Gmail's "OverQuotaTemp", a blocklist's "dnsbl-1".
    assert.equal(verdictOf('452-4.2.2 The recipient\'s inbox is out of space. https://support.google.com/mail/?p=OverQuotaTemp a1b2c3d4e5f6g7-h8 - gsmtp', { status: '5.2.2' }), 'soft mailbox-full');
    assert.equal(verdictOf('554 5.7.1 Service unavailable; listed at dnsbl-1.uceprotect.net', { status: '5.7.1' }), 'soft blocked');
    assert.equal(verdictOf('550 5.2.0 MAILBOX_QUOTA_EXCEEDED_42 for user', { status: '5.2.0' }), 'soft mailbox-full');
  });

  it('gives the verdict of classify() through the classifier\'s two caches: by text, and by what the table reads', () => {
    const classifier = createClassifier();
    const texts = [
      '550 5.1.1 <{a}>: Recipient address rejected: User unknown', '552 5.2.2 <{a}>: mailbox full', '550 User unknown',
      '550-5.1.1 The email account that you tried to reach does not exist. {id} - gsmtp', '550 <{a}>: User unknown', '550 Rejected',
      '554 5.7.1 Service unavailable; Client host [192.0.2.{n}] blocked using zen.spamhaus.org', 'expired in queue; last error: 450 4.7.1 Greylisted {id}',
    ];
    const addresses = ['a@example.com', 'b@ezweb.ne.jp', 'c@docomo.ne.jp'];
    const events: BounceEvent[] = [];
    for (let round = 0; round < 3; round++) {
      texts.forEach((text, index) => addresses.forEach((address) => ['failed', 'deferred'].forEach((outcome) => [undefined, 'DATA', 'RCPT'].forEach((stage) => {
        const diagnostic = text.replace('{a}', address).replace('{id}', `a${round}b2c3d4e5f6${index}`).replace('{n}', String(round));
        events.push(failure(diagnostic, { address, outcome: outcome as BounceEvent['outcome'], stage: stage as BounceEvent['stage'], status: index % 3 ? undefined : '5.0.0' }));
      }))));
    }
    for (const event of events) {
      const { type, reason, rule } = classify(event);
      const cached = classifier(event);
      assert.deepEqual([cached.type, cached.reason, cached.rule], [type, reason, rule], event.diagnostic);
    }
  });

  it('reads boilerplate "check the address and try again" as advice, not as a temporary condition', () => {
    assert.equal(verdictOf("Your message wasn't delivered to a@example.com because the address couldn't be found. Check for typos or unnecessary spaces and try again."), 'hard user-unknown');
  });

  it('finds unknown mailboxes and domains in eleven languages, and the passing conditions in several', () => {
    for (const diagnostic of [
      '550 5.1.1 Invalid final delivery userid', '550 5.5.0 Invalid recipient', 'User a not found in the directory',
      "554 delivery error: dd This user doesn't have a yahoo.com account (a@example.com) [0]",
      '550 宛先のユーザは存在しません', '550 該当するユーザーが見つかりません', // Japanese
      '550 用户不存在', '550 收件人不存在', // Chinese
      '550 존재하지 않는 사용자입니다', // Korean
      '550 Пользователь не найден', '550 Такой адрес не существует', // Russian
      '550 Utilisateur inconnu', "550 L'adresse n'existe pas", // French
      '550 Empfänger unbekannt', '550 Postfach existiert nicht', // German
      '550 Usuario desconocido', '550 El buzón no existe', // Spanish
      '550 Usuário desconhecido', '550 Destinatário inexistente', // Portuguese
      '550 Utente sconosciuto', "550 L'indirizzo non esiste", // Italian
      '550 Onbekende gebruiker', '550 Dit adres bestaat niet', // Dutch
    ]) assert.match(verdictOf(diagnostic, { reply: '550' }), /^hard user-unknown$/, diagnostic);
    for (const diagnostic of ['550 5.1.10 an MX or SRV record indicated no SMTP service', '550 Domaine inexistant', '550 域名不存在']) {
      assert.match(verdictOf(diagnostic), /^hard (?:null-mx|host-unknown)$/, diagnostic);
    }
    for (const diagnostic of ['552 Boîte aux lettres pleine', '552 Postfach voll', '552 Buzón lleno', '552 メールボックスがいっぱいです', '552 邮箱已满', '452 Почтовый ящик переполнен']) {
      assert.equal(verdictOf(diagnostic), 'soft mailbox-full', diagnostic);
    }
    // "Unknown" alone is not an unknown user: an unknown error says nothing about the address.
    assert.notEqual(verdictOf('550 Unbekannter Fehler', { reply: '550' }), 'hard user-unknown');
  });

  it('never pairs a reason that says the address is gone with a soft verdict on a failure', () => {
    const gone = new Set(['user-unknown', 'host-unknown', 'null-mx', 'system-not-accepting']);
    const statuses = [undefined, '5.0.0', '5.1.1', '4.1.1', '4.4.1', '5.7.1', '4.7.1', '5.2.2'];
    const texts = ['User unknown', 'Host not found', 'null MX', 'System not accepting network messages', 'mailbox unavailable', '', 'Recipient address rejected: User unknown'];
    for (const status of statuses) {for (const stage of [undefined, 'RCPT', 'DATA', 'MAIL'] as const) {for (const wording of texts) {
      // Deferrals keep the server's reason ("450 4.1.1 user unknown"): they are retried, never records.
      const verdict = decide({ outcome: 'failed', status, wording, stage });
      assert.ok(!(verdict.type === 'soft' && gone.has(verdict.reason)), `${status} ${stage} "${wording}" → ${verdict.type} ${verdict.reason}`);
    }}}
  });

  it('gives explain, the hover card and extract the same verdict for every code without wording', () => {
    const commands = { explainCode: 'smtpDiagnostics.explainCode', lookupMx: 'smtpDiagnostics.lookupMx' };
    for (const { code } of listCodes()) {
      if (/^[23]/.test(code)) continue;
      const enhanced = code.includes('.');
      const extracted = classify(failure('', enhanced ? { status: code } : { reply: code })).type;
      assert.equal(explainCode(code)!.bounceType, extracted, `${code}: explain vs extract`);
      assert.equal(codeVerdict(code).type, extracted, code);
      const card = hoverCardAt(code, 0, commands)!;
      const words = { hard: 'hard bounce', review: 'review', soft: 'soft bounce' }[extracted as 'hard' | 'review' | 'soft'];
      assert.ok(card.markdown.includes(`**${words}`), `${code}: hover says ${words}`);
    }
  });

  it('says on the hover card when the words on the line decide otherwise than the code', () => {
    const commands = { explainCode: 'smtpDiagnostics.explainCode', lookupMx: 'smtpDiagnostics.lookupMx' };
    const yahoo = hoverCardAt("554 delivery error: dd This user doesn't have a yahoo.com account", 1, commands)!.markdown;
    assert.match(yahoo, /\*\*hard bounce\*\* here: the words on this line decide \(user-unknown\); the code alone: soft bounce/);
    const plain = hoverCardAt('550 5.7.1 Client host blocked using zen.spamhaus.org', 1, commands)!.markdown;
    assert.doesNotMatch(plain, /words on this line decide/);
  });

  it('says in explain that the words decide before the code', () => {
    assert.match(explainCode('550')!.bounceTypeReason, /^Review: 550 says the failure is permanent but not why.*words decide before the code/);
    assert.match(explainCode('554')!.bounceTypeReason, /words decide before the code/);
    // The seed of this project: 5.3.2 is a hard bounce, by the code alone.
    assert.equal(explainCode('5.3.2')!.bounceType, 'hard');
  });

  it('is stated row by row in README "Hard or soft?"', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Hard or soft?'));
    assert.ok(section.length > 0);
    const rows: RowName[] = ['delivered', 'user-pattern', 'retrying', 'settled-gone', 'passing-condition', 'sender-or-message', 'carrier-filter', 'refused-after-data', 'temporary-code', 'address-gone', 'stage', 'code', 'weak-wording', 'class'];
    let last = -1;
    for (const row of rows) {
      const at = section.indexOf(`\`${row}\``);
      assert.ok(at > last, `row ${row} listed, in order`);
      last = at;
    }
  });
});
