// The status-code knowledge base: one lookup for enhanced codes ("5.3.2") and basic reply codes ("550"),
// the list for a quick pick, and the configurable hard/soft policy.
import { parseEnhancedCode } from '../statusCode';
import type { BounceType, BouncePolicy, CodeExplanation } from './types';
import { REGISTRY } from './registry';
import { REPLY_CODES } from './replyCodes';
import { explainEnhanced, explainReply } from './compose';
import { DEFAULT_POLICY } from './policy';
import { codeVerdict } from '../policy/decide';

export type { BounceType, BouncePolicy, CodeExplanation, ReasonCategory } from './types';
export { DEFAULT_POLICY, isPolicyPattern } from './policy';

// RFC 5321 reply codes: first digit 2 to 5 (3xx are intermediate replies such as 354), second digit 0 to 5.
const REPLY = /^[2-5][0-5]\d$/;

/** Canonical form of a code ("5.07.026" -> "5.7.26", " 550 " -> "550"), or undefined when malformed. */
export function canonicalCode(code: string): string | undefined {
  const text = code.trim();
  if (REPLY.test(text)) return text;
  return parseEnhancedCode(text)?.text;
}

/**
 * Explains "5.3.2", "550", "5.7.026" or "4.4.8"; undefined if the text is not a code.
 * With a policy (the user's settings), the bounce type and its reason follow that policy.
 */
export function explainCode(code: string, policy?: BouncePolicy): CodeExplanation | undefined {
  const text = code.trim();
  if (REPLY.test(text)) return explainReply(text, policy);
  const parsed = parseEnhancedCode(text);
  return parsed ? explainEnhanced(parsed, policy) : undefined;
}

const CODE_LIST: readonly { code: string; title: string }[] = [
  ...REGISTRY.flatMap((entry) => [2, 4, 5].map((statusClass) => ({
    code: `${statusClass}.${entry.subject}.${entry.detail}`,
    title: entry.deprecated ? `${entry.title} (deprecated)` : entry.title,
  }))),
  ...REPLY_CODES.map((entry) => ({ code: entry.code, title: entry.title })),
];

/** Every registry code in classes 2, 4 and 5, then every listed reply code. */
export function listCodes(): readonly { code: string; title: string }[] {
  return CODE_LIST;
}

/** Hard, soft or none for a code under a policy (default: DEFAULT_POLICY). Malformed codes are 'none'. */
export function bounceTypeFor(code: string, policy: BouncePolicy = DEFAULT_POLICY): BounceType {
  const canonical = canonicalCode(code);
  return canonical === undefined ? 'none' : codeVerdict(canonical, policy).type;
}
