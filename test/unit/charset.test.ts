import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeEncodedWords, decodeText } from '../../src/core/bounce/charset';

// Bytes of known strings in legacy charsets, made once with Python: "TEXT".encode('euc_jp').hex(), and so on.
const JAPANESE = 'ユーザが見つかりません';
const EUC_JP = 'a5e6a1bca5b6a4acb8aba4c4a4aba4eaa4dea4bba4f3';
const SHIFT_JIS = '8386815b835582aa8ca982c282a982e882dc82b982f1';
const ISO_2022_JP = '1b24422566213c2536242c382b2444242b246a245e243b24731b2842';
const RUSSIAN = 'Пользователь не найден';
const KOI8_R = 'f0cfccd8dacfd7c1d4c5ccd820cec520cec1cac4c5ce';
const WINDOWS_1251 = 'cfeeebfce7eee2e0f2e5ebfc20ede520ede0e9e4e5ed';
const SIMPLIFIED = '您发送的邮件无法投递到以下地址：用户不存在，请检查收件人地址是否正确后重新发送。';
const GBK = 'c4fab7a2cbcdb5c4d3cabcfecedeb7a8cdb6b5ddb5bdd2d4cfc2b5d8d6b7a3bad3c3bba7b2bbb4e6d4daa3acc7ebbcecb2e9cad5bcfec8cbb5d8d6b7cac7b7f1d5fdc8b7baf3d6d8d0c2b7a2cbcda1a3';
const TRADITIONAL = '您發送的郵件無法投遞到以下地址：用戶不存在，請檢查收件人地址是否正確後重新發送。';
const BIG5 = 'b17ab56fb065aabab66ca5f3b54caa6ba7ebbbbca8eca548a455a661a77da147a5cea4e1a4a3a673a662a141bdd0c0cbac64a6aca5f3a448a661a77dac4fa75fa5bfbd54abe1adabb773b56fb065a143';
const KOREAN = '사용자를 찾을 수 없습니다';
const EUC_KR = 'bbe7bfebc0dab8a620c3a3c0bb20bcf620bef8bdc0b4cfb4d9';
const FRENCH = 'Destinataire inconnu à cette adresse';
const LATIN_1 = '44657374696e61746169726520696e636f6e6e7520e02063657474652061647265737365';
const CZECH = 'Zpráva nebyla doručena: poštovní schránka příjemce neexistuje, zkontrolujte adresu a zkuste to znovu později. Každý pokus selhal.';
const WINDOWS_1250 = '5a7072e17661206e6562796c6120646f7275e8656e613a20706f9a746f766eed2073636872e16e6b612070f8ed6a656d6365206e656578697374756a652c207a6b6f6e74726f6c756a7465206164726573752061207a6b7573746520746f207a6e6f767520706f7a64ec6a692e204b619e64fd20706f6b75732073656c68616c2e';

const bytes = (hex: string) => Buffer.from(hex, 'hex');

/** decodeText gives exactly `expected`, with no U+FFFD. */
function assertDecodes(hex: string, declared: string | undefined, expected: string): void {
  const text = decodeText(bytes(hex), declared);
  assert.equal(text, expected);
  assert.ok(!text.includes('\uFFFD'));
}

/** As assertDecodes, for bytes that the declared charset alone reads wrong: the fallback must do the work. */
function assertRepairs(hex: string, declared: string, expected: string): void {
  assert.notEqual(new TextDecoder(declared).decode(bytes(hex)), expected, 'the label alone reads these bytes wrong');
  assertDecodes(hex, declared, expected);
}

describe('charset: decoding bounce text whose charset label lies', () => {
  it('reads EUC-JP and Shift_JIS labelled ISO-2022-JP, and real ISO-2022-JP with or without a label', () => {
    assertRepairs(EUC_JP, 'ISO-2022-JP', JAPANESE);
    assertRepairs(SHIFT_JIS, 'iso-2022-jp', JAPANESE);
    assertDecodes(ISO_2022_JP, 'ISO-2022-JP', JAPANESE);
    assertDecodes(ISO_2022_JP, undefined, JAPANESE);
    assertDecodes(ISO_2022_JP, 'us-ascii', JAPANESE);
    // Seven-bit ISO-2022-JP is valid UTF-8 too: the ESC sequences it keeps give it away.
    assertRepairs(ISO_2022_JP, 'utf-8', JAPANESE);
  });

  it('reads KOI8-R labelled windows-1251 and windows-1251 labelled KOI8-R, though both decode without error', () => {
    assertRepairs(KOI8_R, 'windows-1251', RUSSIAN);
    assertRepairs(WINDOWS_1251, 'koi8-r', RUSSIAN);
    assertDecodes(KOI8_R, 'KOI8-R', RUSSIAN);
    assertDecodes(WINDOWS_1251, 'cp1251', RUSSIAN);
  });

  it('reads GBK labelled Big5 and Big5 labelled GB2312', () => {
    assertRepairs(GBK, 'big5', SIMPLIFIED);
    assertRepairs(BIG5, 'gb2312', TRADITIONAL);
    assertDecodes(GBK, 'GB2312', SIMPLIFIED);
    assertDecodes(BIG5, 'Big5', TRADITIONAL);
    // Too short for chardet to rank (it gives every double-byte charset 10), but GB2312's reading lands in its
    // user-defined area and Big5 is the other Chinese charset.
    assertRepairs('a5cea4e1a4a3a673a662', 'gb2312', '用戶不存在');
  });

  it('reads EUC-KR without a label, and under the labels mail uses for it', () => {
    assertDecodes(EUC_KR, undefined, KOREAN);
    assertDecodes(EUC_KR, 'ks_c_5601-1987', KOREAN);
    assertDecodes(EUC_KR, 'KS_C_5601-1987', KOREAN);
    assertRepairs(EUC_KR, 'us-ascii', KOREAN);
  });

  it('reads Latin-1 labelled UTF-8, and windows-1250 labelled ISO-8859-2 (C1 controls are no text)', () => {
    assertRepairs(LATIN_1, 'utf-8', FRENCH);
    assertDecodes(LATIN_1, 'iso-8859-1', FRENCH);
    assertRepairs(WINDOWS_1250, 'iso-8859-2', CZECH);
  });

  it('reads UTF-8 with or without a label, and under a us-ascii or Latin-1 label', () => {
    const utf8 = Buffer.from('Zürich ✉ 用户不存在 Пользователь').toString('hex');
    assertDecodes(utf8, undefined, 'Zürich ✉ 用户不存在 Пользователь');
    assertDecodes(utf8, 'UTF-8', 'Zürich ✉ 用户不存在 Пользователь');
    assertRepairs(utf8, 'us-ascii', 'Zürich ✉ 用户不存在 Пользователь');
    assertRepairs(utf8, 'iso-8859-1', 'Zürich ✉ 用户不存在 Пользователь');
    assertDecodes(Buffer.from('550 5.1.1 user unknown').toString('hex'), 'ISO-2022-JP', '550 5.1.1 user unknown');
  });

  it('normalises labels: case, quotes, x- prefixes and aliases', () => {
    for (const label of ['Shift_JIS', 'shift-jis', 'SJIS', 'x-sjis', '"Shift_JIS"', 'cp932', 'windows-31j']) assertDecodes(SHIFT_JIS, label, JAPANESE);
    for (const label of ['EUC-JP', 'x-euc-jp', 'euc_jp']) assertDecodes(EUC_JP, label, JAPANESE);
    for (const label of ['gbk', 'x-gbk', 'GB18030', 'cp936']) assertDecodes(GBK, label, SIMPLIFIED);
    // Labels TextDecoder has no decoder for count as no label.
    assertDecodes(EUC_KR, 'unknown-8bit', KOREAN);
    assertDecodes(EUC_KR, 'iso-2022-kr', KOREAN);
  });

  it('keeps a label that reads cleanly where chardet cannot tell its sibling apart', () => {
    // windows-1253 and ISO-8859-7 differ in "Ά" alone; KOI8-U and KOI8-R in the Ukrainian letters; chardet
    // knows neither windows-1253 without C1 bytes nor KOI8-U.
    assertDecodes('a2e3edf9f3f4eff220f0e1f1e1ebdef0f4e7f2', 'windows-1253', 'Άγνωστος παραλήπτης');
    assertDecodes('ebcfd2c9d3d4d5d7c1dec120cec520dacec1cac4c5cecf2c20d0c5d2c5d7a6d2d4c520c1c4d2c5d3d5', 'koi8-u', 'Користувача не знайдено, перевірте адресу');
    // Shift_JIS carrier emoji decode to private-use characters, which a sure detection accepts.
    assert.equal(decodeText(bytes(`${SHIFT_JIS}f89f`), 'Shift_JIS'), `${JAPANESE}\uE63E`);
    assert.equal(decodeText(bytes(`${SHIFT_JIS}f89f`), 'iso-2022-jp'), `${JAPANESE}\uE63E`);
  });

  it('reads windows-1252 right on Node releases whose one-shot TextDecoder reads it as ISO-8859-1', () => {
    // "’" is 0x92 and "€" 0x80 in windows-1252, C1 controls in ISO-8859-1 (nodejs/node#60888).
    assertDecodes('4c27616472657373659220636ffb746520352080', 'windows-1252', 'L\'adresse’ coûte 5 €');
    assertDecodes('4c27616472657373659220636ffb746520352080', 'iso-8859-1', 'L\'adresse’ coûte 5 €');
  });

  it('detects on a sample but decodes the whole, from the first 8-bit line even past the sample size', () => {
    const prefix = 'Reporting-MTA: dns; mx.example.jp\n'.repeat(4000);
    const text = `${prefix}${JAPANESE}\n`.repeat(40);
    const eucLines = Buffer.concat(Array.from({ length: 40 }, () => Buffer.concat([Buffer.from(prefix), bytes(EUC_JP), Buffer.from('\n')])));
    assert.ok(eucLines.length > 5_000_000);
    assert.equal(decodeText(eucLines, 'ISO-2022-JP'), text);
  });

  it('returns soon and without U+FFFD on 5 MB of random bytes, whatever the label', function () {
    this.timeout(20_000);
    const random = randomBytes(5 * 1024 * 1024);
    for (const label of [undefined, 'utf-8', 'iso-2022-jp', 'gb2312', 'us-ascii']) {
      const started = Date.now();
      const text = decodeText(random, label);
      assert.ok(Date.now() - started < 5_000, `${label}: ${Date.now() - started} ms`);
      assert.ok(!text.includes('\uFFFD'), `${label}: U+FFFD in the text`);
    }
  });
});

describe('charset: RFC 2047 encoded words', () => {
  it('decodes a word whose label lies, and joins adjacent words of one charset before decoding', () => {
    const euc = bytes(EUC_JP);
    assert.equal(decodeEncodedWords(`=?ISO-2022-JP?B?${euc.toString('base64')}?=`), JAPANESE);
    // A character split across two words, and the whitespace between the words dropped.
    const split = `Re: =?iso-2022-jp?B?${euc.subarray(0, 5).toString('base64')}?=\r\n =?ISO-2022-JP?B?${euc.subarray(5).toString('base64')}?= (x)`;
    assert.equal(decodeEncodedWords(split), `Re: ${JAPANESE} (x)`);
  });

  it('decodes Q words, keeps plain text, and drops an RFC 2231 language suffix', () => {
    assert.equal(decodeEncodedWords('=?utf-8?Q?Destinataire_inconnu_=E0?= =?utf-8*fr?Q?_cette_adresse?= ok'), 'Destinataire inconnu à cette adresse ok');
    assert.equal(decodeEncodedWords('Undelivered Mail Returned to Sender'), 'Undelivered Mail Returned to Sender');
    assert.equal(decodeEncodedWords('=?x?B?broken'), '=?x?B?broken');
  });
});
