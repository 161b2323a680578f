// Recipient addresses as they appear in logs and bounces: "<User@Example.COM>", "rfc822; user@xn--bcher-kva.example".
import { domainToUnicode } from 'node:url';
import { UNSAFE_CHARACTER } from './safeText';

const ADDRESS = /^(?:[^\s<>@"(),;:]+|"[^"\r\n]+")@[^\s<>@"(),;:.][^\s<>@"(),;:]*$/;
/** A local part's characters in running text (no quotes, no brackets), and a domain's label. */
const LOCAL_PART = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]";
const DOMAIN_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
/**
 * A mailbox anywhere in running text; the local part excludes quotes and brackets. It starts only where a run of
 * local-part characters starts: tried from every character of a long run without "@" (a base64 or junk line of
 * 200,000 characters), the search took time in the square of the run's length, half a minute for that line.
 */
export const ADDRESS_IN_TEXT = new RegExp(`(?<!${LOCAL_PART})${LOCAL_PART}+@${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})+`, 'g');
/** One character of a local part as ADDRESS_IN_TEXT reads it: no match starts after one. */
export const LOCAL_PART_CHARACTER = new RegExp(LOCAL_PART);

/** RFC 5321 §4.5.3.1.3: a path holds at most 256 octets with its angle brackets, so an address at most 254. */
export const MAX_ADDRESS_LENGTH = 254;

/**
 * An address already in canonical form: nothing to strip (no brackets, prefix, spaces or trailing dot), a local part
 * of atom characters and a lower-case domain. normalizeAddress returns such text unchanged, so it is answered with one
 * test instead of half a dozen (most addresses of a log are like this).
 */
const CANONICAL = /^[\w.!#$%&'*+/=?^`{|}~-]+@[a-z\d-](?:[a-z\d.-]*[a-z\d-])?$/;

/**
 * The canonical form of an address, or undefined when the text is not one: brackets, "rfc822;" and trailing dots
 * dropped, domain lower-cased and IDN shown in Unicode (readable in a suppression list); local part kept as is.
 * Control, bidi and line-separator characters make it no address, quoted or not: no mail system delivers to one,
 * and a suppression list must not carry a terminal escape.
 */
export function normalizeAddress(raw: string): string | undefined {
  // "xn--" anywhere sends the text the long way, where its domain is shown in Unicode.
  if (raw.length <= MAX_ADDRESS_LENGTH && CANONICAL.test(raw) && !raw.includes('xn--')) return raw;
  let text = raw.trim().replace(/^(?:rfc822|utf-8|x400)\s*;\s*/i, '').trim();
  // The trailing run starts only where a run starts: tried from every character of a long run (a line of dots),
  // the search took time in the square of its length.
  text = text.replace(/^<+/, '').replace(/(?<![>.,;:])[>.,;:]+$/, '').replace(/^mailto:/i, '');
  if (text.length > MAX_ADDRESS_LENGTH || !ADDRESS.test(text) || UNSAFE_CHARACTER.test(text)) return undefined;
  const at = text.lastIndexOf('@');
  const domain = text.slice(at + 1).toLowerCase();
  const readable = domain.includes('xn--') ? domainToUnicode(domain) || domain : domain;
  return `${text.slice(0, at)}@${readable}`;
}
