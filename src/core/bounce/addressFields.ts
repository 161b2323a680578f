// postal-mime parses every address field of the top header block (From, To, Cc, …) into objects, at about a
// microsecond and a few hundred bytes per character on hostile text: a From of 1 MB took 8.7 s and 426 MB. The
// engine reads a sender or two from these fields, never thousands, so each is cut before postal-mime sees it.

/** The fields postal-mime runs through its address parser (lower case). X-Failed-Recipients is not one: the engine
 * reads every address of it. */
const PARSED_ADDRESS_FIELDS = new Set(['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'delivered-to', 'return-path']);
/** Far more than a real header of a bounce holds (hundreds of addresses), far less than what costs seconds. */
export const MAX_ADDRESS_FIELD_BYTES = 16 * 1024;
const LF = 10;
const COMMA = 44;

/** The field name of the header line that starts at `start`, lower case, if it has one. */
function fieldNameAt(bytes: Uint8Array, start: number, end: number): string | undefined {
  const colon = bytes.indexOf(58, start);
  if (colon < 0 || colon > end || colon - start > 40) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, colon - start).toString('latin1').trim().toLowerCase();
}

/**
 * `bytes` (a message with LF or CRLF line ends) with each address field of its top header block cut to
 * MAX_ADDRESS_FIELD_BYTES, after its last comma there (whole addresses stay whole). Other fields, and the body, are
 * kept byte for byte; a message with no long address field is returned as it is.
 */
export function clipAddressFields(bytes: Uint8Array): Uint8Array {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerEnd = Math.min(...[view.indexOf('\n\n'), view.indexOf('\n\r\n'), bytes.length].filter((at) => at >= 0));
  const kept: Array<[number, number]> = [];
  let from = 0;
  let fieldStart = 0;
  while (fieldStart < headerEnd) {
    // A field runs to the line end before the next line that does not start with a space or a tab.
    let fieldEnd = bytes.indexOf(LF, fieldStart);
    while (fieldEnd >= 0 && fieldEnd < headerEnd && (bytes[fieldEnd + 1] === 32 || bytes[fieldEnd + 1] === 9)) fieldEnd = bytes.indexOf(LF, fieldEnd + 1);
    if (fieldEnd < 0 || fieldEnd > headerEnd) fieldEnd = headerEnd;
    if (fieldEnd - fieldStart > MAX_ADDRESS_FIELD_BYTES && PARSED_ADDRESS_FIELDS.has(fieldNameAt(bytes, fieldStart, fieldEnd) ?? '')) {
      const limit = fieldStart + MAX_ADDRESS_FIELD_BYTES;
      const comma = bytes.subarray(fieldStart, limit).lastIndexOf(COMMA);
      kept.push([from, comma > 0 ? fieldStart + comma : limit]);
      from = fieldEnd;
    }
    fieldStart = fieldEnd + 1;
  }
  if (kept.length === 0) return bytes;
  kept.push([from, bytes.length]);
  return Buffer.concat(kept.map(([start, end]) => bytes.subarray(start, end)));
}
