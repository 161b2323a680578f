// What a code-server log says about reaching beyond loopback: every test run, script and `npm start` must not.
import { readFileSync } from 'node:fs';

/** A log line that names a lookup or a request to a host that is not loopback. */
const OUTSIDE = /getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED (?!127\.|::1)|\bhttps?:\/\/(?!127\.0\.0\.1\b|localhost\b|\[::1\])[a-z0-9-]+(?:\.[a-z0-9-]+)+/i;

/** The lines of a log that show an attempt to reach beyond loopback. */
export function outsideReaches(text) {
  return text.split('\n').filter((line) => OUTSIDE.test(line));
}

/** Throws, with the offending lines, when the code-server log at `path` shows an attempt to reach beyond loopback. */
export function assertHermetic(path) {
  const lines = outsideReaches(readFileSync(path, 'utf8'));
  if (lines.length > 0) throw new Error(`code-server reached beyond loopback (${path}):\n  ${lines.slice(0, 5).join('\n  ')}`);
}
