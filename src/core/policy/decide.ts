// The one decision table: every verdict a user sees (extract, report, hover, explain) comes from `decide`.
// Rows are tried in order and the first that applies decides; README "Hard or soft?" states the same table.
import { decideBounceType, DEFAULT_POLICY } from '../knowledge/policy';
import type { BouncePolicy, BounceType, ReasonCategory } from '../knowledge/types';
import { ABOUT_SENDER_OR_MESSAGE, firstMatch, GONE, PASSING, SETTLED_GONE, WEAK } from './wording';

export type SmtpStage = 'MAIL' | 'RCPT' | 'DATA';

/** What is known about one failure. Only `outcome` and one of the codes are needed (explain has no wording). */
export interface Evidence {
  readonly outcome: 'failed' | 'deferred' | 'delivered' | 'rejected-inbound';
  /** RFC 3463 enhanced code, canonical ("5.1.1"). */
  readonly status?: string;
  /** RFC 5321 reply code ("550"). */
  readonly reply?: string;
  /** The server's words, addresses already replaced by "@". */
  readonly wording?: string;
  /** The SMTP command the reply answered, when the source says. */
  readonly stage?: SmtpStage;
  /** The recipient is at a mobile carrier whose filters answer "user unknown" (see classify.ts). */
  readonly carrierFilter?: boolean;
}

/** The table's rows, in order; the names appear in records' `rule` field and in README "Hard or soft?". */
export type RowName =
  | 'delivered' | 'user-pattern' | 'retrying' | 'settled-gone' | 'passing-condition' | 'sender-or-message'
  | 'carrier-filter' | 'refused-after-data' | 'temporary-code' | 'address-gone' | 'stage' | 'code' | 'weak-wording' | 'class';

export interface Verdict {
  /** hard: suppress; review: a permanent failure that nothing proves is the address's; soft: keep the address. */
  readonly type: BounceType;
  readonly reason: ReasonCategory;
  /** The row that decided. */
  readonly row: RowName;
  /** For the user-pattern row, the user's pattern that decided. */
  readonly pattern?: string;
}

/** Reasons that mean "this address (or its domain) cannot receive mail". */
export const ADDRESS_GONE: ReadonlySet<ReasonCategory> = new Set(['user-unknown', 'host-unknown', 'null-mx', 'system-not-accepting']);

/** Reason by enhanced code subject.detail (RFC 3463 and its IANA registry). */
const BY_ENHANCED: Readonly<Record<string, ReasonCategory>> = {
  '1.1': 'user-unknown', '1.2': 'host-unknown', '1.3': 'user-unknown', '1.6': 'user-unknown', '1.10': 'null-mx',
  '1.8': 'blocked', '1.7': 'blocked', '2.1': 'mailbox-disabled', '2.2': 'mailbox-full', '2.3': 'message-too-big',
  '2.4': 'technical', '3.0': 'technical', '3.1': 'mailbox-full', '3.3': 'technical', '3.5': 'technical', '3.2': 'system-not-accepting', '3.4': 'message-too-big',
  '4.2': 'network', '4.3': 'routing', '4.4': 'host-unknown', '4.5': 'rate-limited', '4.6': 'routing', '4.7': 'expired',
  '5.3': 'rate-limited', '6.0': 'content',
  '7.0': 'authentication', '7.1': 'blocked', '7.2': 'policy', '7.7': 'content', '7.8': 'authentication', '7.9': 'authentication',
  '7.13': 'mailbox-disabled', '7.14': 'policy', '7.17': 'user-unknown', '7.18': 'host-unknown',
  '7.23': 'authentication', '7.24': 'authentication', '7.25': 'blocked', '7.26': 'authentication', '7.27': 'null-mx', '7.28': 'spam-detected',
};

/** The reason an enhanced code names by itself, if its detail is specific (not X.Y.0). */
export function reasonOfCode(status: string | undefined): ReasonCategory | undefined {
  if (!status) return undefined;
  const [, subject, detail] = status.split('.');
  return BY_ENHANCED[`${subject}.${detail}`];
}

/** Patterns the user added to the default policy (settings): they override the wording both ways. */
function userPattern(code: string | undefined, policy: BouncePolicy): { type: BounceType; pattern: string } | undefined {
  if (!code || policy === DEFAULT_POLICY) return undefined;
  const own = {
    hardCodes: policy.hardCodes.filter((pattern) => !DEFAULT_POLICY.hardCodes.includes(pattern)),
    softCodes: policy.softCodes.filter((pattern) => !DEFAULT_POLICY.softCodes.includes(pattern)),
  };
  // The user's patterns among themselves: the most specific that matches decides; none matching, the table goes on.
  const decision = decideBounceType(code, own);
  return decision.pattern === undefined || decision.type === 'none' ? undefined : { type: decision.type, pattern: decision.pattern };
}

/** "Recipient address rejected:" only says where the refusal fell; the words after it are the reason. */
const WHERE_NOT_WHY = /\b(?:recipient address rejected|rcpt rejected|recipient rejected)\s*:\s*(?=\S)/gi;

/**
 * The reason a failure's words give, whichever group they are in, else its enhanced code's, else weak words': the
 * reason of the rows that do not decide by it (deferrals, user patterns) and of texts judged outside the table.
 */
export function reasonOf(wording: string, status?: string): ReasonCategory | undefined {
  const text = wording.replace(WHERE_NOT_WHY, '');
  return firstMatch(SETTLED_GONE, wording) ?? firstMatch(PASSING, text) ?? firstMatch(ABOUT_SENDER_OR_MESSAGE, text) ?? firstMatch(GONE, text)
    ?? reasonOfCode(status) ?? firstMatch(WEAK, text);
}

/** The table's verdict for a code alone (explain, hover, bounceTypeFor): what it decides when the server's words are
 * missing. Class 2 and 3 are not failures. */
export function codeVerdict(code: string, policy: BouncePolicy = DEFAULT_POLICY): Verdict {
  if (/^[23]/.test(code)) return verdict('none', 'success', 'delivered');
  const enhanced = code.includes('.');
  return decide({ outcome: 'failed', status: enhanced ? code : undefined, reply: enhanced ? undefined : code }, policy);
}

const verdict = (type: BounceType, reason: ReasonCategory, row: RowName): Verdict => ({ type, reason, row });

/** The table. See README "Hard or soft?" for the same rows in words. */
export function decide(evidence: Evidence, policy: BouncePolicy = DEFAULT_POLICY): Verdict {
  const { outcome, status, reply, stage } = evidence;
  if (outcome === 'delivered') return verdict('none', 'success', 'delivered');
  const words = evidence.wording ?? '';
  const text = words.replace(WHERE_NOT_WHY, '');
  const code = status ?? reply;
  const codeClass = /^[245]/.test(code ?? '') ? code![0] : undefined;
  // 1. The user's own bounce.hardCodes / bounce.softCodes patterns.
  const user = userPattern(code, policy);
  if (user) return { ...verdict(user.type, reasonOf(words, status) ?? 'other', 'user-pattern'), pattern: user.pattern };
  // 2. A deferral: the queue still retries.
  if (outcome === 'deferred') return verdict('soft', reasonOf(words, status) ?? 'technical', 'retrying');
  // 3. Phrases whose meaning is settled although they hold words of the groups below.
  // A class-4 code: the server itself called the failure temporary, and the queue gave up on time, not on proof.
  const temporary = codeClass === '4' && status !== '4.1.1' && status !== '4.1.2';
  const settled = firstMatch(SETTLED_GONE, words);
  if (settled) return temporary ? verdict('soft', 'expired', 'temporary-code') : verdict('hard', settled, 'settled-gone');
  // 4. Words that prove a passing condition: quota, greylisting, rate, expiry, DNS or network trouble, "try again".
  const passing = firstMatch(PASSING, text);
  if (passing) return verdict('soft', passing, 'passing-condition');
  // 5. Words that put the cause on the sender, the message or the account's state.
  const sender = firstMatch(ABOUT_SENDER_OR_MESSAGE, text);
  if (sender) return verdict('soft', sender, 'sender-or-message');
  const gone = firstMatch(GONE, text);
  if (gone) {
    // 6. Mobile carriers answer "user unknown" for the recipient's own filter unless RCPT TO was refused (or 5.1.1).
    if (gone === 'user-unknown' && evidence.carrierFilter && status !== '5.1.1' && stage !== 'RCPT') return verdict('soft', 'policy', 'carrier-filter');
    // 7. "User unknown" in reply to the message itself, once the recipient was accepted, is a filter's answer, unless
    // a 5.1.x code says the address is bad (pipelining servers report RCPT failures at DATA).
    if (gone === 'user-unknown' && stage === 'DATA' && !/^5\.1\./.test(status ?? '')) return verdict('soft', 'policy', 'refused-after-data');
    // 8. A class-4 code.
    if (temporary) return verdict('soft', 'expired', 'temporary-code');
    // 9. The words prove the address or its domain cannot receive mail.
    return verdict('hard', gone, 'address-gone');
  }
  // 10. No deciding words: the SMTP stage. Refused at MAIL FROM is about the sender; at DATA, about the message.
  const vagueCode = !status || /^\d\.\d+\.0$/.test(status);
  if (stage === 'MAIL') return verdict('soft', 'blocked', 'stage');
  if (stage === 'DATA' && vagueCode) return verdict('soft', 'policy', 'stage');
  // 11. A specific enhanced code names the reason by itself.
  const byCode = reasonOfCode(status);
  if (byCode && codeClass !== '4') {
    return verdict(ADDRESS_GONE.has(byCode) ? 'hard' : 'soft', byCode, 'code');
  }
  // 12. Words that point at the recipient without proof ("undeliverable", "mailbox unavailable"): review.
  // With an addressing code (X.1.0, not the sender's X.1.7 or X.1.8) the two together say the recipient was refused.
  const weak = firstMatch(WEAK, text);
  const addressingCode = /^5\.1\.(?!7$|8$)\d+$/.test(status ?? '');
  if (codeClass !== '4' && weak) return verdict(weak !== 'user-unknown' ? 'soft' : addressingCode ? 'hard' : 'review', weak, 'weak-wording');
  // 13. The class digit, through the default policy's code patterns: a permanent failure with nothing that proves
  // the address is gone is for review, not for the list.
  if (codeClass === '4') {
    const reason = byCode ?? weak ?? 'technical';
    return verdict('soft', ADDRESS_GONE.has(reason) ? 'expired' : reason, 'class');
  }
  // A vague enhanced code (X.0.0) says less than a reply code with a rule of its own (501 "syntax error").
  const policyCode = vagueCode && reply && decideBounceType(reply, policy).pattern !== undefined ? reply : code;
  const byPolicy = policyCode && codeClass ? decideBounceType(policyCode, policy).type : 'hard';
  if (byPolicy === 'soft') return verdict('soft', 'other', 'class');
  return verdict('review', stage === 'RCPT' ? 'user-unknown' : 'other', 'class');
}
