// Shapes shared by the bounce-extraction engine: one event per failure/delivery seen, one record per address.
import type { BounceType, ReasonCategory } from '../knowledge/types';

/** What happened to one recipient, as one line or one DSN block tells it. */
export type Outcome =
  | 'failed'           // delivery given up (bounced, expired, Action: failed)
  | 'deferred'         // will be retried
  | 'delivered'        // accepted by the next hop
  | 'rejected-inbound'; // this server refused someone else's mail (Postfix NOQUEUE reject): not our bounce

/** One observation of a recipient, before de-duplication. */
export interface BounceEvent {
  readonly address: string;
  readonly outcome: Outcome;
  /** RFC 3463 enhanced status code, e.g. "5.1.1", when one was given or could be inferred from the text. */
  readonly status?: string;
  /** RFC 5321 three-digit reply code, e.g. "550". */
  readonly reply?: string;
  readonly diagnostic: string;
  readonly remoteMta?: string;
  /** Date as written in the source (syslog stamps carry no year, so they are not converted). */
  readonly date?: string;
  /** Queue ID (Postfix, Sendmail), message ID (Exim) or Message-ID of the bounced mail. */
  readonly messageId?: string;
  readonly file: string;
  /** 1-based line of the source where the event was found. */
  readonly line: number;
  /** Which recognizer found it: postfix, exim, sendmail, qmail, opensmtpd, exchange, generic, dsn, message-body. */
  readonly format: string;
  /** The SMTP command the failing reply answered, when the source says (RCPT TO, end of DATA, MAIL FROM). */
  readonly stage?: SmtpStage;
}

export type SmtpStage = 'MAIL' | 'RCPT' | 'DATA';

/** An event with its classification. */
export interface ClassifiedEvent extends BounceEvent {
  readonly type: BounceType;
  readonly reason: ReasonCategory;
}

/** One address after de-duplication: the JSON field names are part of the CLI's contract. */
export interface BounceRecord {
  readonly address: string;
  readonly status: string | null;
  readonly reply: string | null;
  readonly type: 'hard' | 'soft';
  readonly reason: ReasonCategory;
  readonly diagnostic: string;
  readonly remoteMta: string | null;
  readonly date: string | null;
  readonly messageId: string | null;
  readonly file: string;
  readonly line: number;
  readonly count: number;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
}
