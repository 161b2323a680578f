// Identifiers in a server's reply: Gmail's message IDs, Microsoft's server names, queue IDs, hashes, time stamps.
// They differ in every reply, so they are data, not words: the decision table does not read them (classify.ts), and
// the report's patterns of equal failures leave them out (report.ts).

/** Shortest run of letters and digits that is an identifier when it holds a digit. */
const IDENTIFIER_LENGTH = 10;

/** Whether a UTF-16 code unit is an ASCII letter or digit. */
function isLetterOrDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
}

/**
 * The text with each identifier replaced by `mask`: a run of ASCII letters and digits at least ten long that holds a
 * digit. Letters alone are words ("OverQuotaTemp" says the mailbox is full), and so are the parts of
 * "MAILBOX_QUOTA_EXCEEDED_42"; short runs with digits are codes, ports and address parts. Read by character codes:
 * it runs on every failure's reply twice (classifier, report), and a pattern with a look-behind tried at every
 * character took half as long again. The same string when the text holds no identifier.
 */
export function maskIdentifiers(text: string, mask: string): string {
  let masked = '';
  let copiedTo = 0;
  let at = 0;
  while (at < text.length) {
    if (!isLetterOrDigit(text.charCodeAt(at))) {
      at += 1;
      continue;
    }
    const start = at;
    let hasDigit = false;
    for (let code = text.charCodeAt(at); at < text.length && isLetterOrDigit(code); code = text.charCodeAt(++at)) hasDigit ||= code <= 57;
    if (hasDigit && at - start >= IDENTIFIER_LENGTH) {
      masked += text.slice(copiedTo, start) + mask;
      copiedTo = at;
    }
  }
  return copiedTo === 0 ? text : masked + text.slice(copiedTo);
}
