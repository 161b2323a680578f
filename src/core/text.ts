/** Replaces control characters (terminal escapes, line breaks) in untrusted text (logs, DNS, remote servers) with "?". */
export function withoutControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
