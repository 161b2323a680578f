// RFC 3464 message/delivery-status: one per-message block, then one block per recipient.
import { normalizeAddress } from './address';

export interface DsnRecipient {
  readonly address: string;
  readonly action: string;
  readonly status?: string;
  readonly diagnostic: string;
  readonly remoteMta?: string;
  readonly date?: string;
}

export interface DeliveryStatus {
  readonly reportingMta?: string;
  readonly recipients: DsnRecipient[];
}

/** Header-style fields of one block, continuation lines unfolded; names lower-cased. */
export function fieldsOf(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last) fields.set(last, `${fields.get(last)} ${line.trim()}`);
    else {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      if (!fields.has(last)) fields.set(last, line.slice(colon + 1).trim());
    }
  }
  return fields;
}

/** Strips the "smtp;" / "dns;" type prefix of a DSN field. */
function untyped(value: string | undefined): string | undefined {
  const text = value?.replace(/^[\w-]+\s*;\s*/, '').trim();
  return text || undefined;
}

/** Domains that only route inside one organisation (RFC 6762 .local, RFC 2606 .invalid, and common private ones). */
const INTERNAL_DOMAIN = /(?:^|\.)(?:local|localdomain|localhost|internal|intranet|lan|corp|home|invalid|private)$|^[^.]+$/i;

/**
 * An address that someone outside can deliver to: typed rfc822 (or untyped), an Internet domain, and no routing
 * syntax of a gateway (Exchange's IMCEA encapsulation, "%" and "!" source routes).
 */
function deliverable(raw: string, address: string): boolean {
  const type = /^\s*([\w-]+)\s*;/.exec(raw)?.[1].toLowerCase();
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  return (type === undefined || type === 'rfc822' || type === 'utf-8') && !INTERNAL_DOMAIN.test(address.slice(at + 1))
    && !/^IMCEA|[%!]/i.test(local);
}

/**
 * The failed recipient of a block: the Final-Recipient, unless it is an internal routing address (a mailbox
 * server's own name, a gateway encapsulation) and the Original-Recipient, the address the sender used, is a real one.
 */
function recipientOf(finalRaw: string | undefined, originalRaw: string | undefined): string | undefined {
  const final = finalRaw ? normalizeAddress(untyped(finalRaw) ?? finalRaw) : undefined;
  const original = originalRaw ? normalizeAddress(untyped(originalRaw) ?? originalRaw) : undefined;
  if (final && original && !deliverable(finalRaw!, final) && deliverable(originalRaw!, original)) return original;
  return final ?? original;
}

/**
 * Parses a delivery-status body. Blocks are split on blank lines and, for senders that omit them, before a
 * Final-Recipient that would start a second recipient in the same block. Each block is read as soon as it ends, so
 * a report of 100,000 recipients holds one block's lines at a time, not all of them.
 */
export function parseDeliveryStatus(text: string): DeliveryStatus {
  let reportingMta: string | undefined;
  const recipients: DsnRecipient[] = [];
  let block: string[] = [];
  let hasRecipient = false;
  const endBlock = () => {
    if (block.length === 0) return;
    const fields = fieldsOf(block);
    block = [];
    reportingMta ??= untyped(fields.get('reporting-mta'));
    const address = recipientOf(fields.get('final-recipient'), fields.get('original-recipient'));
    if (!address) return;
    const status = /([245])\.(\d{1,3})\.(\d{1,3})/.exec(fields.get('status') ?? '');
    recipients.push({
      address,
      action: (fields.get('action') ?? '').toLowerCase().split(/[\s(;]/)[0],
      status: status ? `${status[1]}.${Number(status[2])}.${Number(status[3])}` : undefined,
      diagnostic: untyped(fields.get('diagnostic-code')) ?? '',
      remoteMta: untyped(fields.get('remote-mta')),
      date: fields.get('last-attempt-date') ?? fields.get('arrival-date'),
    });
  };
  for (const line of text.split(/\r?\n|\r/)) {
    if (line.trim() === '') {
      endBlock();
      hasRecipient = false;
      continue;
    }
    if (/^final-recipient:/i.test(line)) {
      if (hasRecipient) endBlock();
      hasRecipient = true;
    }
    block.push(line);
  }
  endBlock();
  return { reportingMta, recipients };
}
