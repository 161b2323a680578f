// Turning what a user typed, selected or hovered (a domain, an address, an IDN) into a name a resolver can ask.
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';

export type ParsedDomain =
  | { readonly ok: true; /** Display form (U-labels). */ readonly domain: string; /** A-labels, what DNS is asked. */ readonly asciiDomain: string }
  | { readonly ok: false; readonly input: string; /** Why it is not a domain, plain language. */ readonly reason: string };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Accepts `example.com`, `Example.COM.`, `user@example.com`, `<user@example.com>` and IDNs (`bücher.de`), and
 * returns both the display form and the A-label form. Rejects IP addresses, single labels and bad labels.
 */
export function parseDomain(input: string): ParsedDomain {
  const fail = (reason: string): ParsedDomain => ({ ok: false, input, reason });
  let text = input.trim().replace(/^<|>$/g, '');
  const at = text.lastIndexOf('@');
  if (at >= 0) text = text.slice(at + 1);
  text = text.replace(/\.$/, '');
  if (text === '') return fail('it is empty');
  if (text.length > 1000) return fail('it is too long for a domain name');
  if (/\s/.test(text)) return fail('it contains spaces');
  if (isIP(text.replace(/^\[|\]$/g, '')) !== 0) return fail('it is an IP address, not a domain');
  const asciiDomain = domainToASCII(text).toLowerCase();
  if (asciiDomain === '') return fail('it contains characters a domain name cannot have');
  if (asciiDomain.length > 253) return fail('it is longer than 253 characters');
  const labels = asciiDomain.split('.');
  if (labels.length < 2) return fail('it needs at least one dot, like example.com');
  const badLabel = labels.find((label) => !LABEL.test(label));
  if (badLabel !== undefined) {
    return fail(badLabel === '' ? 'it has an empty label (two dots in a row)' : `the label "${badLabel}" is not letters, digits and inner hyphens of 1-63 characters`);
  }
  if (/^\d+$/.test(labels[labels.length - 1])) return fail('its last label is all digits');
  return { ok: true, domain: domainToUnicode(asciiDomain), asciiDomain };
}

// A token that is an email address, or a host/domain whose last label has letters only (so "5.3.2",
// "0.01" and IP addresses are never taken for domains). Letters include non-ASCII for IDNs.
const ADDRESS_OR_DOMAIN = /[\p{L}\p{N}._%+'-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}[\p{L}\p{N}-]*\p{L}|(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]+)/gu;

export interface DomainToken {
  /** The token as written: an address or a domain. */
  readonly text: string;
  /** The domain in it, display form. */
  readonly domain: string;
  readonly start: number;
  readonly end: number;
}

/** The address or domain that covers `offset` in `line`, if any. */
export function domainTokenAt(line: string, offset: number): DomainToken | undefined {
  for (const match of line.matchAll(ADDRESS_OR_DOMAIN)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (offset < start || offset > end) continue;
    const parsed = parseDomain(match[0]);
    return parsed.ok ? { text: match[0], domain: parsed.domain, start, end } : undefined;
  }
  return undefined;
}
