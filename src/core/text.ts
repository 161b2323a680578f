import { replaceUnsafe } from './bounce/safeText';
/**
 * Replaces control characters (terminal escapes, line breaks, bidi controls, line separators) in untrusted text
 * (logs, DNS, remote servers) with "?".
 */
export function withoutControls(text: string): string {
  return replaceUnsafe(text, '?');
}
