// Building blocks of the fuzz harness (scripts/fuzz.mjs). A generated document is a tree of pieces that renders to
// bytes: a run of 300,000 characters is one `{ repeat, chars }` piece, so it is cheap to generate and fast-check
// shrinks it by its length. Pieces:
//   'text'                      UTF-8 text
//   [piece, …]                  concatenation
//   { repeat: 'unit', chars }   the unit repeated up to `chars` characters
//   { bytes: [0xff, …] }        raw bytes (invalid UTF-8)
//   { field: piece, name }      a named slot: the case's bomb may replace it or grow it
//   { cycle: [piece, …], count, separator? }   `count` pieces taken in turn from the list (many lines or recipients)
//   { counter: true }           the number of the current repetition of the enclosing cycle, so repeated lines differ
//   { json | base64 | qp | utf16 | latin1: piece }   the inner piece encoded so
import fc from 'fast-check';

const CONTROLS = ['\0', '\x01', '\x07', '\b', '\t', '\v', '\f', '\r', '\x1b', '\x7f', '\u0085', '\u00a0'];
const LINE_SEPARATORS = ['\u2028', '\u2029'];
const BIDI = ['\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff'];
/** Lone bytes, truncated sequences, an overlong NUL, an encoded surrogate and a code point above U+10FFFF. */
const INVALID_UTF8 = [[0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80, 0xbf]];
/** Delimiters and prefixes most patterns share. Each target adds its own. */
const COMMON_UNITS = [
  ' ', '\t', '\r', '<', '>', '[', ']', '(', ')', ',', ', ', ':', ': ', ';', '"', "'", '=', '@', 'a@', '.', '-', '_', '\\', '/', 'x', '1',
  '5.1.1 ', '550 ', '550-', 'mail for ', 'host ', 'RCPT TO:<', 'to=<', 'from=<', '=?', 'a@b.c ', '<a@b.c>', '&lt;', '%', '\\"', 'said: ',
];

/** Text made to hurt a parser: runs of delimiters, controls, separators, bidi marks, invalid UTF-8, random code units. */
export function junk(units) {
  const all = [...new Set([...units, ...COMMON_UNITS])];
  return fc.array(fc.oneof(
    { weight: 4, arbitrary: fc.record({ repeat: fc.constantFrom(...all), chars: fc.integer({ min: 1, max: 200 }) }) },
    { weight: 2, arbitrary: fc.constantFrom(...all) },
    { weight: 1, arbitrary: fc.constantFrom(...CONTROLS, ...LINE_SEPARATORS, ...BIDI) },
    { weight: 1, arbitrary: fc.record({ bytes: fc.constantFrom(...INVALID_UTF8) }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
  ), { minLength: 1, maxLength: 6 });
}

/** A named slot: mostly a real-looking value, sometimes junk, sometimes both. */
export function field(name, normal, units) {
  return fc.oneof(
    { weight: 6, arbitrary: normal },
    { weight: 2, arbitrary: junk(units) },
    { weight: 1, arbitrary: fc.tuple(normal, junk(units)) },
  ).map((value) => ({ field: value, name }));
}

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/** Most cases carry no bomb; a few hundred-kilobyte ones test that time stays linear in the input's size. */
const bombChars = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1_000, max: 20_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 300_000 }) },
);

/**
 * One big adversarial run per case, at most: a field replaced or grown by a run of one of the target's units, a line
 * cut and continued by such a run, or a slice of a line repeated (the pattern's own structure, over and over).
 */
export function bomb(units) {
  const all = [...new Set([...units, ...COMMON_UNITS])];
  const run = { unit: fc.constantFrom(...all), chars: bombChars };
  const some = fc.oneof(
    fc.record({ mode: fc.constantFrom('replace', 'append', 'prepend'), at: fraction, ...run }),
    fc.record({ mode: fc.constant('cut'), at: fraction, within: fraction, ...run }),
    fc.record({ mode: fc.constant('slice'), at: fraction, within: fraction, length: fc.integer({ min: 1, max: 48 }), chars: bombChars }),
  );
  return fc.oneof({ weight: 19, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: some });
}

/** Small damage at random places of the rendered bytes: junk inserted, bytes deleted or flipped, the end cut off. */
export function mutations(units) {
  const some = fc.array(fc.oneof(
    fc.record({ kind: fc.constant('insert'), at: fraction, piece: junk(units) }),
    fc.record({ kind: fc.constant('delete'), at: fraction, length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('flip'), at: fraction, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('cut'), at: fraction }),
    fc.record({ kind: fc.constant('duplicate'), at: fraction, length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 64 }) }),
  ), { minLength: 1, maxLength: 3 });
  return fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: some });
}


const ENCODINGS = ['json', 'base64', 'qp', 'utf16', 'latin1'];
const repeatText = (unit, chars) => unit.repeat(Math.max(1, Math.ceil(chars / unit.length)));

function countFields(piece) {
  if (typeof piece === 'string' || piece === null || piece === undefined) return 0;
  if (Array.isArray(piece)) return piece.reduce((sum, item) => sum + countFields(item), 0);
  if ('field' in piece) return 1 + countFields(piece.field);
  if ('cycle' in piece) {
    const { cycle, count } = piece;
    const times = (index) => (index < count ? Math.floor((count - index - 1) / cycle.length) + 1 : 0);
    return cycle.reduce((sum, item, index) => sum + countFields(item) * times(index), countFields(piece.separator) * Math.max(0, count - 1));
  }
  for (const key of ENCODINGS) if (key in piece) return countFields(piece[key]);
  return 0;
}

/** Quoted-printable as a mail gateway writes it (RFC 2045), lines of at most 76 characters. */
function quotedPrintable(bytes) {
  let out = '';
  let column = 0;
  for (const byte of bytes) {
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || byte === 32 || byte === 10;
    const text = literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (byte === 10) column = 0;
    else if (column + text.length > 75) { out += '=\n'; column = 0; }
    out += text;
    column += byte === 10 ? 0 : text.length;
  }
  return out;
}

/** A document stops growing here (in characters): repetitions inside repetitions would otherwise multiply to tens of
 * megabytes. The bomb is added beyond it. */
const MAX_DOCUMENT_CHARS = 256 * 1024;

/**
 * Renders pieces to bytes. The bomb of a case, when it targets a field, is applied here to the field it picks (its
 * `at` times the number of fields); `shape` describes what it did, for the failure report.
 */
export function render(root, bombSpec = null) {
  const fieldBomb = bombSpec && ['replace', 'append', 'prepend'].includes(bombSpec.mode) ? bombSpec : null;
  const target = fieldBomb ? Math.floor(fieldBomb.at * countFields(root)) : -1;
  const state = { fields: 0, counter: 0, size: 0, shape: undefined };
  // Text is gathered as strings and encoded once per run of text: a Buffer per small piece made rendering slower
  // than running the case.
  const sink = () => ({ buffers: [], text: '' });
  const flush = (out) => { if (out.text) { out.buffers.push(Buffer.from(out.text, 'utf8')); out.text = ''; } };
  const bytesOf = (out) => { flush(out); return Buffer.concat(out.buffers); };
  const full = () => state.size >= MAX_DOCUMENT_CHARS;
  const emitText = (out, text, capped = true) => {
    const kept = capped ? text.slice(0, MAX_DOCUMENT_CHARS - state.size) : text;
    if (capped) state.size += kept.length;
    out.text += kept;
  };
  const emitBytes = (out, bytes) => { flush(out); out.buffers.push(bytes.subarray(0, MAX_DOCUMENT_CHARS - state.size)); state.size += bytes.length; };
  const walk = (piece, out) => {
    if (piece === null || piece === undefined || full()) return;
    if (typeof piece === 'string') emitText(out, piece);
    else if (Array.isArray(piece)) for (const item of piece) walk(item, out);
    else if ('repeat' in piece) emitText(out, repeatText(piece.repeat, piece.chars));
    else if ('bytes' in piece) emitBytes(out, Buffer.from(piece.bytes));
    else if ('counter' in piece) emitText(out, String(state.counter));
    else if ('cycle' in piece) {
      const saved = state.counter;
      for (let index = 0; index < piece.count && !full(); index++) {
        state.counter = index;
        if (index > 0) walk(piece.separator, out);
        walk(piece.cycle[index % piece.cycle.length], out);
      }
      state.counter = saved;
    } else if ('field' in piece) {
      if (state.fields++ !== target) { walk(piece.field, out); return; }
      const run = repeatText(fieldBomb.unit, fieldBomb.chars);
      const mode = { replace: 'replaced by', append: 'followed by', prepend: 'preceded by' }[fieldBomb.mode];
      state.shape = `field "${piece.name}" ${mode} ${JSON.stringify(fieldBomb.unit)} × ${Math.ceil(fieldBomb.chars / fieldBomb.unit.length)}`;
      if (fieldBomb.mode === 'prepend') emitText(out, run, false);
      if (fieldBomb.mode !== 'replace') walk(piece.field, out);
      if (fieldBomb.mode !== 'prepend') emitText(out, run, false);
    } else {
      const key = ENCODINGS.find((name) => name in piece);
      if (!key) throw new Error(`unknown piece ${JSON.stringify(piece).slice(0, 80)}`);
      const inner = sink();
      walk(piece[key], inner);
      const bytes = bytesOf(inner);
      // The encoded form counts again towards the cap: it is a guard, not an exact size.
      if (key === 'json') emitText(out, JSON.stringify(bytes.toString('utf8')).slice(1, -1));
      else if (key === 'base64') emitText(out, bytes.toString('base64').replace(/.{76}/g, '$&\n'));
      else if (key === 'qp') emitText(out, quotedPrintable(bytes));
      else if (key === 'utf16') emitBytes(out, Buffer.from(bytes.toString('utf8'), 'utf16le'));
      else emitBytes(out, Buffer.from(bytes.toString('utf8'), 'latin1'));
    }
  };
  const out = sink();
  walk(root, out);
  return { bytes: bytesOf(out), shape: state.shape };
}

/** The bounds of the line of `bytes` that a fraction picks. */
function lineAt(bytes, at) {
  const starts = [0];
  for (let index = bytes.indexOf(10); index >= 0 && index < bytes.length - 1; index = bytes.indexOf(10, index + 1)) starts.push(index + 1);
  const start = starts[Math.floor(at * starts.length)];
  const newline = bytes.indexOf(10, start);
  return { start, end: newline < 0 ? bytes.length : newline, number: Math.floor(at * starts.length) + 1 };
}

const preview = (buffer) => JSON.stringify(buffer.toString('utf8').slice(-40));

/** Applies a line bomb (a line cut and continued by a run, or a slice of it repeated); other bombs are render's. */
export function lineBomb(bytes, spec) {
  if (!spec || (spec.mode !== 'cut' && spec.mode !== 'slice')) return { bytes, shape: undefined };
  const { start, end, number } = lineAt(bytes, spec.at);
  const cut = start + Math.floor(spec.within * (end - start));
  if (spec.mode === 'cut') {
    const run = Buffer.from(repeatText(spec.unit, spec.chars), 'utf8');
    return { bytes: Buffer.concat([bytes.subarray(0, cut), run, bytes.subarray(end)]), shape: `line ${number} cut after …${preview(bytes.subarray(Math.max(start, cut - 40), cut))} and continued by ${JSON.stringify(spec.unit)} × ${Math.ceil(spec.chars / spec.unit.length)}` };
  }
  const slice = bytes.subarray(cut, Math.min(end, cut + spec.length));
  if (slice.length === 0) return { bytes, shape: undefined };
  const times = Math.max(1, Math.ceil(spec.chars / slice.length));
  const repeated = Buffer.alloc(slice.length * times);
  for (let offset = 0; offset < repeated.length; offset += slice.length) slice.copy(repeated, offset);
  return { bytes: Buffer.concat([bytes.subarray(0, cut), repeated, bytes.subarray(cut + slice.length)]), shape: `line ${number}: ${JSON.stringify(slice.toString('utf8'))} × ${times} (after …${preview(bytes.subarray(Math.max(start, cut - 40), cut))})` };
}

/** Applies small mutations in order, each at a fraction of the current length. */
export function mutate(bytes, list) {
  let current = bytes;
  for (const step of list) {
    const at = Math.floor(step.at * current.length);
    if (step.kind === 'insert') current = Buffer.concat([current.subarray(0, at), render(step.piece).bytes, current.subarray(at)]);
    else if (step.kind === 'delete') current = Buffer.concat([current.subarray(0, at), current.subarray(at + step.length)]);
    else if (step.kind === 'flip' && at < current.length) { current = Buffer.from(current); current[at] = step.byte; }
    else if (step.kind === 'cut') current = current.subarray(0, at);
    else if (step.kind === 'duplicate') {
      const slice = current.subarray(at, at + step.length);
      current = Buffer.concat([current.subarray(0, at), ...Array(step.times).fill(slice), current.subarray(at + slice.length)]);
    }
  }
  return current;
}

/** Line ends of a document: LF as generated, or all of them made CRLF or bare CR. */
export const lineEnds = fc.constantFrom('lf', 'lf', 'lf', 'crlf', 'cr');

export function withLineEnds(bytes, ends) {
  if (ends === 'lf') return bytes;
  const text = bytes.toString('latin1');
  return Buffer.from(text.replace(/\n/g, ends === 'crlf' ? '\r\n' : '\r'), 'latin1');
}
