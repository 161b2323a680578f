// Types of the status-code knowledge base. The data lives beside this file; lookups go through ./index.ts.
import type { ReplyClass } from '../statusCode';

/** Whether a failure is worth retrying, from the sender's point of view. */
/**
 * hard: the address cannot receive mail, suppress it; review: a permanent failure that nothing proves is the
 * address's (a bare 550), for a person to look at; soft: the address may still work; none: not a failure.
 */
export type BounceType = 'hard' | 'review' | 'soft' | 'none';

/** Broad reason categories shared by the knowledge base, the extraction engine and reports. */
export type ReasonCategory =
  | 'user-unknown' | 'host-unknown' | 'null-mx' | 'mailbox-full' | 'mailbox-disabled' | 'system-not-accepting'
  | 'blocked' | 'policy' | 'spam-detected' | 'authentication' | 'message-too-big' | 'expired' | 'network'
  | 'protocol' | 'security' | 'routing' | 'content' | 'rate-limited' | 'technical' | 'success' | 'other';

/** Everything the hover card, the explain command and the CLI need to explain one code. */
export interface CodeExplanation {
  /** The code as asked, canonical: "5.3.2" or "550". */
  readonly code: string;
  readonly kind: 'enhanced' | 'reply';
  /** 2, 4 or 5; reply codes can also be 3 (intermediate). */
  readonly statusClass: ReplyClass;
  /** Registry title (enhanced) or RFC 5321 meaning (reply). */
  readonly title: string;
  /** False for a detail the IANA registry does not list (explained from class and subject only). */
  readonly registered: boolean;
  readonly deprecated?: boolean;
  /** Plain-language meaning, a few sentences. */
  readonly meaning: string;
  /** Class / subject / detail breakdown, one line each. */
  readonly breakdown: readonly string[];
  readonly bounceType: BounceType;
  /** Why the default policy chose this bounce type. */
  readonly bounceTypeReason: string;
  readonly category: ReasonCategory;
  readonly actionRequired: string;
  readonly causes: readonly string[];
  readonly marketerSteps: readonly string[];
  readonly developerSteps: readonly string[];
  readonly investigation: readonly string[];
  readonly examples: readonly string[];
  /** Typical wording by providers: `{ provider, text }`. */
  readonly providerResponses: readonly { readonly provider: string; readonly text: string }[];
  readonly bestPractices: readonly string[];
  /** How this code differs from its transient/permanent twin, e.g. 5.3.2 vs 4.3.2. */
  readonly contrast?: string;
  /** Vendor-specific meanings that differ from the registry (Microsoft 365, Gmail, …). */
  readonly vendorNotes: readonly { readonly vendor: string; readonly note: string }[];
  readonly references: readonly string[];
}

/** Hard/soft policy: code patterns like "5.2.2" or "5.7.*" that override the knowledge base's default. */
export interface BouncePolicy {
  readonly softCodes: readonly string[];
  readonly hardCodes: readonly string[];
}
