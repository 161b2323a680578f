// The text parts of a parsed message, decoded by src/core/bounce/charset.ts rather than by the declared charset
// alone: bounces often mislabel it (EUC-JP sent as ISO-2022-JP), and postal-mime decodes inline text itself.
//
// postal-mime 4.0.0 (pinned) keeps each part's transfer-decoded bytes on its part tree, `root`, which it does not
// document. Only what is read below is relied on; if a later version moves it, `textParts` returns undefined and the
// caller keeps postal-mime's own text (the corpus test "shows no U+FFFD in a diagnostic" then fails and says so).
import type PostalMime from 'postal-mime';
import { decodeText } from './charset';

interface PartNode {
  readonly childNodes?: readonly PartNode[];
  readonly content?: ArrayBuffer | Uint8Array | null;
  readonly contentType?: { readonly parsed?: { readonly value?: string; readonly params?: Record<string, string | undefined> } };
  readonly contentDisposition?: { readonly parsed?: { readonly value?: string } };
}

export interface DecodedText {
  readonly text: string;
  readonly html: string;
}

/** Plain and HTML text of the message's inline text parts (not of attached or returned messages), or undefined. */
export function textParts(parser: PostalMime): DecodedText | undefined {
  const root = (parser as unknown as { root?: PartNode }).root;
  if (!root || !Array.isArray(root.childNodes)) return undefined;
  const plain: string[] = [];
  const html: string[] = [];
  const walk = (node: PartNode) => {
    if (node.childNodes?.length) { node.childNodes.forEach(walk); return; }
    const type = node.contentType?.parsed?.value?.toLowerCase() ?? 'text/plain';
    if ((type !== 'text/plain' && type !== 'text/html') || node.contentDisposition?.parsed?.value?.toLowerCase() === 'attachment' || !node.content) return;
    const bytes = node.content instanceof Uint8Array ? node.content : new Uint8Array(node.content);
    (type === 'text/plain' ? plain : html).push(decodeText(bytes, node.contentType?.parsed?.params?.charset));
  };
  walk(root);
  return { text: plain.join('\n'), html: html.join('\n') };
}
