// Shapes shared by the bounce-extraction engine: one event per failure/delivery seen, one record per address.
import type { BounceType, ReasonCategory } from '../knowledge/types';
import type { RowName, SmtpStage } from '../policy/decide';

export type { SmtpStage } from '../policy/decide';

/**
 * Where an address was read: a DSN's Final- or Original-Recipient (dsn), an X-Failed-Recipients header (header), a
 * provider's JSON notification (json), an RCPT TO of a session transcript (transcript), a failed-recipient line of
 * the human-readable text (text), a log line (log), or, when a bounce names no recipient at all, the one recipient
 * of the returned original (original). Nothing else names a failed recipient.
 */
export type AddressSource = 'dsn' | 'header' | 'json' | 'transcript' | 'text' | 'original' | 'log';

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
  /** Date as written in the source; records carry it in ISO 8601 (eventTime.ts), a syslog stamp's year inferred. */
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
  /** Where the address was read; undefined for log formats (the record says "log"). */
  readonly source?: AddressSource;
}

/** An event with its classification. */
export interface ClassifiedEvent extends BounceEvent {
  readonly type: BounceType;
  readonly reason: ReasonCategory;
  /** The row of the decision table that decided. */
  readonly rule: RowName;
}

/** One address after de-duplication: the JSON field names are part of the CLI's contract. */
export interface BounceRecord {
  readonly address: string;
  readonly status: string | null;
  readonly reply: string | null;
  /** hard: on the suppression list; review: a permanent failure without proof that the address is gone; soft. */
  readonly type: 'hard' | 'review' | 'soft';
  readonly reason: ReasonCategory;
  /** The row of the decision table that decided (README "Hard or soft?"). */
  readonly rule: RowName;
  readonly source: AddressSource;
  readonly diagnostic: string;
  readonly remoteMta: string | null;
  /** When the record's failure happened, in ISO 8601: UTC ("…Z") when the source gave a zone, the source's clock
   * without a zone designator when it gave none (eventTime.ts). */
  readonly date: string | null;
  readonly messageId: string | null;
  readonly file: string;
  readonly line: number;
  readonly count: number;
  /** The earliest and latest failure of the address, by instant, in the same form as `date`. */
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** Whether the year of `date`, `firstSeen` or `lastSeen` was inferred: a syslog stamp has none. */
  readonly yearInferred: boolean;
}

/** What the suppression list (text output) shows of a record. */
export type ListedRecord = Pick<BounceRecord, 'address' | 'type' | 'reason'>;
