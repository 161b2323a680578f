// Text of bounce parts whose charset label lies: ISO-2022-JP that is really EUC-JP or Shift_JIS, KOI8-R sent as
// windows-1251, Big5 as GB2312, Latin-1 as UTF-8, 8-bit bytes with no label at all. The label is tried first; when
// its decoding fails or looks wrong, chardet's guesses are tried, each strictly (a decoder that meets a byte it
// cannot map throws, so a wrong guess cannot slip U+FFFD into the text). Node's TextDecoder does the decoding.
import { analyse, type EncodingName } from 'chardet';

/** Detection reads at most this much, from the line with the first 8-bit byte: enough to be sure, and linear. */
const SAMPLE_BYTES = 64 * 1024;
/** A detected charset overrides a label that decodes cleanly only when it is this sure and this far ahead. */
const OVERRIDE_CONFIDENCE = 50;
const OVERRIDE_MARGIN = 30;
/** Two readings that agree on this share of their non-ASCII characters are sibling charsets (ISO-8859-7 and
 * windows-1253, KOI8-R and KOI8-U), which chardet cannot tell apart: there the label knows better. */
const SIBLING_AGREEMENT = 0.8;
/** Characters a wrong single-byte table gives and real text never has. (U+FFFD is not looked for: a strict decoder
 * throws rather than give one, so one that comes out was in the text.) */
const C1_CONTROLS = /[\u0080-\u009F]/;
/** Where a wrong double-byte table often lands (its user-defined area), though carrier emoji in Shift_JIS do too. */
const PRIVATE_USE = /[\uE000-\uF8FF]/;
/** Left over from ISO-2022 text read as ASCII. */
const ESC = '\u001B';
const ASCII_LABEL = /^(?:us-?ascii|ascii|ansi_x3\.4-19(?:68|86)|iso646-us|csascii|(?:cp|ibm)367)$/;
/** Labels mail uses that TextDecoder does not know, or knows as a narrower set than the one meant. GBK and GB2312
 * are read as GB18030, their superset, which is also the name chardet gives all three. */
const ALIASES: Readonly<Record<string, string>> = {
  gb2312: 'gb18030', gbk: 'gb18030', cp936: 'gb18030', 'windows-936': 'gb18030', 'euc-cn': 'gb18030', 'gb_2312-80': 'gb18030', csgb2312: 'gb18030', chinese: 'gb18030',
  cp950: 'big5', 'big-5': 'big5', big5hkscs: 'big5',
  cp932: 'shift_jis', 'shift-jisx0213': 'shift_jis', shift_jisx0213: 'shift_jis', 'windows-932': 'shift_jis',
  eucjp: 'euc-jp', 'euc-jisx0213': 'euc-jp',
  'iso-2022-jp-1': 'iso-2022-jp', 'iso-2022-jp-2': 'iso-2022-jp', 'iso-2022-jp-3': 'iso-2022-jp',
  cp949: 'euc-kr', uhc: 'euc-kr', ks_c_5601: 'euc-kr', ksc5601: 'euc-kr',
  koi8u: 'koi8-u', koi8r: 'koi8-r',
};
/** Charsets whose strict decoding proves itself: they are never second-guessed by detection. */
const SELF_CHECKING = new Set(['utf-8', 'utf-16le', 'utf-16be']);
/** What chardet can name. Against any other label (KOI8-U, ISO-8859-13, IBM866) its silence is no evidence. */
const DETECTABLE = new Set(([
  'Big5', 'EUC-JP', 'EUC-KR', 'GB18030', 'ISO-2022-JP', 'ISO-8859-1', 'ISO-8859-2', 'ISO-8859-5', 'ISO-8859-6', 'ISO-8859-7',
  'ISO-8859-8', 'ISO-8859-9', 'KOI8-R', 'Shift_JIS', 'UTF-8', 'windows-1250', 'windows-1251', 'windows-1252', 'windows-1253',
  'windows-1254', 'windows-1255', 'windows-1256', 'windows-1257', 'windows-1258', 'windows-874',
] satisfies EncodingName[]).map((name) => encodingOf(name)));

interface Candidate { readonly encoding: string; readonly confidence: number; readonly language?: string }

/** TextDecoder's name for a label, or undefined when it has none (or only the "replacement" decoder). */
function encodingOf(label: string): string | undefined {
  try {
    const encoding = new TextDecoder(label).encoding;
    return encoding === 'gbk' ? 'gb18030' : encoding;
  } catch {
    return undefined;
  }
}

/** The encoding a Content-Type charset means: case, quotes, "x-" prefixes, "_" for "-" and mail's own aliases. */
function declaredEncoding(label: string): string | undefined {
  const name = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (!name || ASCII_LABEL.test(name)) return undefined;
  const unprefixed = name.replace(/^x-/, '');
  for (const form of [name, unprefixed, unprefixed.replace(/_/g, '-')]) {
    const encoding = encodingOf(ALIASES[form] ?? form);
    if (encoding) return encoding;
  }
  return undefined;
}

/**
 * The bytes as text. Always through a streaming decoder: from Node 20.18.3 and 22.13 a one-shot decode() reads
 * windows-1252 (and so latin1, iso-8859-1, us-ascii) as ISO-8859-1 (nodejs/node#60888), "’" as U+0092; the streaming
 * path goes through ICU and is right. `partial` leaves a character cut off at the end of a sample unread.
 */
function decodeWith(bytes: Uint8Array, encoding: string, fatal: boolean, partial = false): string {
  const decoder = new TextDecoder(encoding, { fatal });
  const text = decoder.decode(bytes, { stream: true });
  return partial ? text : text + decoder.decode();
}

/** The decoded text, or undefined when a byte does not belong to the encoding. */
function decodeStrictly(bytes: Uint8Array, encoding: string, partial = false): string | undefined {
  try {
    return decodeWith(bytes, encoding, true, partial);
  } catch {
    return undefined;
  }
}

/** Whether a strict decoding looks like text. Valid UTF-8 or UTF-16 does even with private-use characters (Outlook's
 * Symbol-font bullets are U+F0B7), and so does another charset's reading when detection is `sure` of it. */
function isPlausible(text: string, encoding: string, sure = false): boolean {
  if (text.includes(ESC)) return false;
  return SELF_CHECKING.has(encoding) || (!C1_CONTROLS.test(text) && (sure || !PRIVATE_USE.test(text)));
}

/** Whether two single-byte readings of a sample are siblings: the same text but for a few characters. (Double-byte
 * readings can agree on much without being siblings: EUC-JP and GB2312 share the kana rows, not the kanji.) */
function readSame(sample: Uint8Array, encoding: string, other: string): boolean {
  const one = decodeStrictly(sample, encoding, true) ?? '';
  const two = decodeStrictly(sample, other, true) ?? '';
  if (one.length !== sample.length || two.length !== sample.length) return false;
  let nonAscii = 0;
  let agreeing = 0;
  for (let index = 0; index < one.length; index++) {
    if (one.charCodeAt(index) < 0x80 && two.charCodeAt(index) < 0x80) continue;
    nonAscii++;
    if (one[index] === two[index]) agreeing++;
  }
  return agreeing >= nonAscii * SIBLING_AGREEMENT;
}

/** Where the text stops being plain ASCII (an 8-bit byte or an ESC), or -1. */
function firstNonAscii(bytes: Uint8Array): number {
  for (let index = 0; index < bytes.length; index++) {
    if (bytes[index] >= 0x80 || bytes[index] === 0x1b) return index;
  }
  return -1;
}

/**
 * chardet's guesses as TextDecoder encodings, surest first, each once; those TextDecoder lacks are left out. On a
 * tie (short CJK text gives every double-byte charset 10), a charset of the label's language goes first: Big5
 * mislabelled GB2312 is still Chinese.
 */
function detectedCandidates(sample: Uint8Array, declared: string | undefined): Candidate[] {
  const candidates = new Map<string, Candidate>();
  for (const { name, confidence, lang } of analyse(sample)) {
    const encoding = encodingOf(name);
    if (encoding && confidence > 0 && !candidates.has(encoding)) candidates.set(encoding, { encoding, confidence, language: lang });
  }
  const language = declared ? candidates.get(declared)?.language : undefined;
  const ofLanguage = (candidate: Candidate) => (language && candidate.language === language ? 1 : 0);
  return [...candidates.values()].sort((a, b) => b.confidence - a.confidence || ofLanguage(b) - ofLanguage(a));
}

/**
 * Text of a part's bytes (already transfer-decoded) whose Content-Type named `declared` as its charset. The label
 * wins when it decodes the bytes into plausible text that detection does not clearly contradict; otherwise
 * ISO-2022-JP (for ESC sequences), UTF-8 and chardet's guesses are tried in that order. Every step is linear: detection
 * reads a bounded sample, and a guess is decoded whole only once it decoded the sample cleanly.
 */
export function decodeText(bytes: Uint8Array, declared?: string): string {
  const label = declared ? declaredEncoding(declared) : undefined;
  const start = firstNonAscii(bytes);
  // Plain ASCII reads the same in every charset mail uses, UTF-16 aside.
  if (start < 0 && !label?.startsWith('utf-16')) return new TextDecoder('utf-8').decode(bytes);

  const lineStart = start < 0 ? 0 : bytes.lastIndexOf(0x0a, start) + 1;
  const sample = bytes.subarray(lineStart, lineStart + SAMPLE_BYTES);
  let detected: Candidate[] | undefined;
  const detect = () => (detected ??= detectedCandidates(sample, label));
  const confidenceIn = (encoding: string) => detect().find((candidate) => candidate.encoding === encoding)?.confidence ?? 0;
  const hasEightBit = start >= 0 && bytes.subarray(start).some((byte) => byte >= 0x80);

  const asDeclared = label ? decodeStrictly(bytes, label) : undefined;
  if (label && asDeclared !== undefined && isPlausible(asDeclared, label)) {
    if (SELF_CHECKING.has(label) || !hasEightBit) return asDeclared;
    // Valid UTF-8 with 8-bit bytes is never real text in a legacy charset ("Ã©" is not what anyone wrote).
    const asUtf8 = decodeStrictly(bytes, 'utf-8');
    if (asUtf8 !== undefined && isPlausible(asUtf8, 'utf-8')) return asUtf8;
    // KOI8-R read as windows-1251 (and many such pairs) maps every byte, so only detection can tell them apart.
    // Only a label detection can name is weighed against it: detection is not run for the others.
    const best = DETECTABLE.has(label) ? detect()[0] : undefined;
    if (best && best.encoding !== label && best.confidence >= OVERRIDE_CONFIDENCE
      && best.confidence - confidenceIn(label) >= OVERRIDE_MARGIN && !readSame(sample, label, best.encoding)) {
      const asBest = decodeStrictly(bytes, best.encoding);
      if (asBest !== undefined && isPlausible(asBest, best.encoding)) return asBest;
    }
    return asDeclared;
  }

  // The label failed. When it threw (or there was none), any guess that decodes cleanly will do; when it only gave
  // implausible characters (Shift_JIS mobile emoji are private-use), a guess must be at least as sure as the label.
  // Detection (a tenth of a bounce folder's time) runs only when the two guesses structure decides fail.
  function* guesses(): Generator<Candidate> {
    // Structure decides these two: ESC sequences, and UTF-8 that decodes at all.
    if (bytes.includes(0x1b)) yield { encoding: 'iso-2022-jp', confidence: 100 };
    if (hasEightBit) yield { encoding: 'utf-8', confidence: 100 };
    const floor = label && asDeclared !== undefined ? confidenceIn(label) : 0;
    for (const candidate of detect()) if (candidate.confidence >= floor) yield candidate;
  }
  const tried = new Set(label ? [label] : []);
  let readable: string | undefined; // the first guess that decoded the sample without an error, if implausibly
  for (const { encoding, confidence } of guesses()) {
    if (tried.has(encoding)) continue;
    tried.add(encoding);
    const sure = confidence >= OVERRIDE_CONFIDENCE;
    const sampleText = decodeStrictly(sample, encoding, true);
    if (sampleText === undefined) continue;
    if (isPlausible(sampleText, encoding, sure)) {
      const text = decodeStrictly(bytes, encoding);
      if (text !== undefined && isPlausible(text, encoding, sure)) return text;
    }
    readable ??= encoding;
  }
  // Nothing reads cleanly: the label's own reading, else any reading without U+FFFD, else U+FFFD where needed.
  if (asDeclared !== undefined) return asDeclared;
  const asReadable = readable ? decodeStrictly(bytes, readable) : undefined;
  return asReadable ?? decodeWith(bytes, label ?? 'windows-1252', false);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bq])\?([^?\s]*)\?=/gi;

/** The bytes an RFC 2047 encoded word carries. */
function encodedWordBytes(encoding: string, text: string): Uint8Array {
  if (encoding.toLowerCase() === 'b') return Buffer.from(text, 'base64');
  return Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

/**
 * A header with its RFC 2047 encoded words decoded by decodeText, so a word labelled ISO-2022-JP that holds EUC-JP
 * still reads right. Adjacent words (only whitespace between them) of one charset are joined before decoding,
 * since senders split multi-byte characters across words.
 */
export function decodeEncodedWords(header: string): string {
  let result = '';
  let pending: { charset: string; chunks: Uint8Array[] } | undefined;
  let last = 0;
  for (const match of header.matchAll(ENCODED_WORD)) {
    const between = header.slice(last, match.index);
    // An RFC 2231 language suffix ("=?utf-8*en?Q?...?=") is no part of the charset.
    const charset = match[1].replace(/\*.*$/, '');
    // Whitespace between two encoded words is no part of the text (RFC 2047, section 6.2).
    const adjacent = pending !== undefined && !/\S/.test(between);
    if (!pending || !adjacent || pending.charset.toLowerCase() !== charset.toLowerCase()) {
      if (pending) result += decodeText(Buffer.concat(pending.chunks), pending.charset);
      if (!adjacent) result += between;
      pending = { charset, chunks: [] };
    }
    pending.chunks.push(encodedWordBytes(match[2], match[3]));
    last = match.index + match[0].length;
  }
  if (pending) result += decodeText(Buffer.concat(pending.chunks), pending.charset);
  return result + header.slice(last);
}
