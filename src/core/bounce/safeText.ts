// Text read from logs, bounces and file names, shown where some characters act instead of printing: a terminal (ESC
// clears the screen, OSC retitles it), a CSV cell or a text line (TAB and line breaks split records), or any display
// of mixed-direction text (bidi controls reorder what follows them).

/** C0 and C1 controls, DEL, the bidi controls (LRM, RLM, embeddings, overrides, isolates) and U+2028/U+2029. */
// eslint-disable-next-line no-control-regex
export const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_CHARACTERS = new RegExp(UNSAFE_CHARACTER.source, 'g');
/** The unsafe characters JSON.stringify leaves as they are: it escapes only C0. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (char: string, digits: number) => char.charCodeAt(0).toString(16).padStart(digits, '0');

/** The text with each unsafe character replaced by `replacement` ("?" where an escape would be noise). */
export function replaceUnsafe(text: string, replacement: string): string {
  return text.replace(UNSAFE_CHARACTERS, replacement);
}

/** The text with each unsafe character written as an escape: "\x1b" (up to U+00FF) or "\u202e". */
export function escapeUnsafe(text: string): string {
  if (!UNSAFE_CHARACTER.test(text)) return text;
  return text.replace(UNSAFE_CHARACTERS, (char) => (char.charCodeAt(0) < 0x100 ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`));
}

/**
 * JSON text (from JSON.stringify) with the unsafe characters it left raw written as \u escapes: the same value for
 * a parser, nothing that acts on a terminal when printed.
 */
export function escapeUnsafeInJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${hex(char, 4)}`);
}
