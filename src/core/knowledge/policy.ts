// The hard/soft bounce policy. "Hard" means the address itself is bad: stop sending to it (suppress).
// "Soft" means the address may still be good: retry later or fix the cause on the sending side.
// The base rule follows the class digit (5 = hard, 4 = soft, 2 = not a failure); the default
// policy below overrides it where the class digit alone would suppress good addresses.
import type { BounceType, BouncePolicy } from './types';

interface PolicyRule {
  readonly pattern: string;
  readonly type: 'hard' | 'soft';
  readonly reason: string;
}

/** The default overrides, each with the reason shown to users (README "Hard or soft?" repeats them). */
export const DEFAULT_RULES: readonly PolicyRule[] = [
  { pattern: '5.2.2', type: 'soft', reason: 'a full mailbox belongs to a real person and usually empties again; most senders retry for a few days before suppressing' },
  { pattern: '5.2.3', type: 'soft', reason: 'the message was too long for the mailbox limit; the address is fine, a smaller message gets through' },
  { pattern: '5.3.1', type: 'soft', reason: "the receiving system's storage is full; this is the server's trouble, not the address's" },
  { pattern: '5.3.4', type: 'soft', reason: 'the message was too big for the receiving system; the address is fine, a smaller message gets through' },
  { pattern: '5.4.5', type: 'soft', reason: 'congestion is a load condition that passes' },
  { pattern: '5.4.6', type: 'soft', reason: 'a routing loop is a configuration fault between mail servers; the address may be fine once it is fixed' },
  { pattern: '5.4.7', type: 'soft', reason: 'the sender gave up after its retry period; the failures behind it were temporary, so the address is not proven bad' },
  { pattern: '5.1.7', type: 'soft', reason: "the sender's own address was refused; the recipient is not at fault" },
  { pattern: '5.1.8', type: 'soft', reason: "the sender's domain was refused (often no DNS for it); the recipient is not at fault" },
  { pattern: '5.5.*', type: 'soft', reason: 'a protocol error is a fault of the sending software, not of the recipient address' },
  { pattern: '5.6.*', type: 'soft', reason: 'a content or encoding problem belongs to this message, not to the recipient address' },
  { pattern: '5.7.*', type: 'soft', reason: "policy, reputation and authentication blocks are about the sender (IP, domain, SPF/DKIM/DMARC, content), not the recipient's fault; fix the cause instead of suppressing good addresses" },
  { pattern: '5.7.13', type: 'soft', reason: 'a disabled account is often enabled again (a lapsed payment, a security lock), so the address is not proven dead' },
  { pattern: '5.2.1', type: 'soft', reason: 'a disabled or suspended mailbox is often enabled again, so the address is not proven dead' },
  { pattern: '5.7.17', type: 'hard', reason: 'the mailbox now belongs to someone else (RFC 7293); the person you meant is gone' },
  { pattern: '5.7.18', type: 'hard', reason: 'the domain now belongs to someone else (RFC 7293); the person you meant is gone' },
  { pattern: '552', type: 'soft', reason: 'a bare 552 reports exceeded storage (mailbox full), a condition that usually clears' },
  { pattern: '554', type: 'soft', reason: 'a bare 554 is mostly a policy or spam rejection, about the sender rather than the address' },
  { pattern: '500', type: 'soft', reason: 'a protocol error is a fault of the sending software' },
  { pattern: '501', type: 'soft', reason: 'a protocol error is a fault of the sending software' },
  { pattern: '502', type: 'soft', reason: 'a protocol error is a fault of the sending software' },
  { pattern: '503', type: 'soft', reason: 'a protocol error is a fault of the sending software' },
  { pattern: '504', type: 'soft', reason: 'a protocol error is a fault of the sending software' },
  { pattern: '530', type: 'soft', reason: 'the server requires authentication or TLS from the client; a sender configuration issue' },
  { pattern: '534', type: 'soft', reason: 'the client authentication mechanism was too weak; a sender configuration issue' },
  { pattern: '535', type: 'soft', reason: 'the client credentials were refused; a sender configuration issue' },
  { pattern: '555', type: 'soft', reason: 'a MAIL FROM or RCPT TO parameter was not understood; a fault of the sending software' },
];

export const DEFAULT_POLICY: BouncePolicy = {
  softCodes: DEFAULT_RULES.filter((rule) => rule.type === 'soft').map((rule) => rule.pattern),
  hardCodes: DEFAULT_RULES.filter((rule) => rule.type === 'hard').map((rule) => rule.pattern),
};

/** Enhanced pattern ("5.7.*", "5.2.2") or reply-code pattern ("552", "55*"): a digit group or "*" in each place. */
const ENHANCED_PATTERN = /^[245*]\.(?:\d{1,3}|\*)\.(?:\d{1,3}|\*)$/;
const REPLY_PATTERN = /^[245*][\d*][\d*]$/;

/** The JSON-schema pattern for one entry of the settings arrays (kept in step with the regexes above). */
export const POLICY_PATTERN_SCHEMA = '^([245*]\\.(\\d{1,3}|\\*)\\.(\\d{1,3}|\\*)|[245*][0-9*][0-9*])$';

export function isPolicyPattern(pattern: string): boolean {
  return ENHANCED_PATTERN.test(pattern) || REPLY_PATTERN.test(pattern);
}

/** How many places of the pattern are fixed (not "*"), or -1 when the pattern does not match the code. */
function matchStrength(pattern: string, code: string): number {
  const enhanced = code.includes('.');
  if (enhanced ? !ENHANCED_PATTERN.test(pattern) : !REPLY_PATTERN.test(pattern)) return -1;
  const patternParts = enhanced ? pattern.split('.') : [...pattern];
  const codeParts = enhanced ? code.split('.') : [...code];
  let fixed = 0;
  for (let index = 0; index < patternParts.length; index++) {
    if (patternParts[index] === '*') continue;
    if (Number(patternParts[index]) !== Number(codeParts[index])) return -1;
    fixed++;
  }
  return fixed;
}

export interface PolicyDecision {
  readonly type: BounceType;
  /** The pattern that decided it, if any (undefined: the class digit decided). */
  readonly pattern?: string;
}

/**
 * Applies a policy to a canonical code ("5.2.2" or "552"). The most specific matching pattern wins
 * (fewest "*"); when a soft and a hard pattern are equally specific, hard wins. Class 2 is never a failure.
 */
export function decideBounceType(code: string, policy: BouncePolicy): PolicyDecision {
  const statusClass = code[0];
  if (statusClass === '2' || statusClass === '3') return { type: 'none' };
  let best: PolicyDecision = { type: statusClass === '5' ? 'hard' : 'soft' };
  let bestStrength = -1;
  const consider = (patterns: readonly string[], type: 'hard' | 'soft') => {
    for (const pattern of patterns) {
      const strength = matchStrength(pattern.trim(), code);
      if (strength > bestStrength || (strength === bestStrength && strength >= 0 && type === 'hard')) {
        best = { type, pattern: pattern.trim() };
        bestStrength = strength;
      }
    }
  };
  consider(policy.softCodes, 'soft');
  consider(policy.hardCodes, 'hard');
  return best;
}

/** Why the default policy decides as it does for this code; undefined when no default rule matched. */
export function defaultRuleReason(pattern: string | undefined, type: BounceType): string | undefined {
  return DEFAULT_RULES.find((rule) => rule.pattern === pattern && rule.type === type)?.reason;
}
