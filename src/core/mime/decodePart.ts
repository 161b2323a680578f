// The text of one MIME part's body as a reader wants it: its transfer encoding undone by postal-mime (base64,
// quoted-printable) and its charset read by the engine's decodeText, which sees through lying labels. A bounce
// whose only explanation sits in a base64 part becomes readable.
import PostalMime from 'postal-mime';
import { decodeText } from '../bounce/charset';

/** Types shown as text; any other part is described, not dumped. */
const TEXT_TYPES = /^(?:text\/|message\/|application\/(?:json|xml)|[\w.+-]+\/[\w.+-]*\+(?:json|xml)$)/;

export interface DecodedPart {
  readonly text: string;
  /** Bytes after the transfer decoding. */
  readonly bytes: number;
}

/** Decodes `body` (the part's body lines) given its Content-Transfer-Encoding, media type and charset. */
export async function decodePartBody(body: string, encoding: string, contentType: string, charset?: string): Promise<DecodedPart> {
  // postal-mime decodes the body of a one-part message made of it; the part's own type stays out, so it comes back
  // as bytes, never re-read by postal-mime's own charset rules.
  const parser = new PostalMime({ attachmentEncoding: 'arraybuffer' });
  const email = await parser.parse(`Content-Type: application/octet-stream\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${body}`);
  const content = email.attachments[0]?.content;
  const bytes = content instanceof ArrayBuffer ? new Uint8Array(content) : typeof content === 'string' ? Buffer.from(content, 'latin1') : new Uint8Array(0);
  if (!TEXT_TYPES.test(contentType)) return { text: `(${bytes.byteLength.toLocaleString('en')} bytes of ${contentType}: not text)\n`, bytes: bytes.byteLength };
  return { text: decodeText(bytes, charset), bytes: bytes.byteLength };
}
