// One failure's verdict from the decision table, and the codes and SMTP stage read from a diagnostic text.
import { DEFAULT_POLICY } from '../knowledge/policy';
import type { BouncePolicy, BounceType, ReasonCategory } from '../knowledge/types';
import { decide, type Evidence, reasonOf, type RowName } from '../policy/decide';
import { ADDRESS_IN_TEXT } from './address';
import { maskIdentifiers } from './identifiers';
import { TextCache } from './textCache';
import type { BounceEvent, ClassifiedEvent, SmtpStage } from './types';
import { squeezeSpaces } from '../text';

/**
 * Mobile carriers whose servers answer "550 User unknown" / "Unknown user" when the recipient's own anti-spam setting
 * (domain or address filter, 受信拒否設定) refuses the sender: au/KDDI answers "550 : User unknown" and NTT docomo
 * "550 Unknown user <address>", both after DATA, once the recipient was accepted. A mailbox that really does not exist
 * is refused at RCPT TO, where the reply echoes the address ("550 <a@ezweb.ne.jp>: User unknown") or carries 5.1.1
 * (docomo, SoftBank). Domains as the carriers publish them; subdomains count.
 */
const MOBILE_CARRIER_DOMAINS: readonly string[] = [
  'ezweb.ne.jp', 'au.com', // au (KDDI); biz.ezweb.ne.jp is a subdomain
  'docomo.ne.jp', // NTT docomo
  'softbank.ne.jp', 'i.softbank.jp', 'vodafone.ne.jp', 'disney.ne.jp', // SoftBank, its former Vodafone domains, Disney Mobile
];

function isMobileCarrierAddress(address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return MOBILE_CARRIER_DOMAINS.some((suffix) => domain === suffix || domain.endsWith(`.${suffix}`));
}

/** A reply that names its recipient, "550 <a@b>: …" or "550: <a@b>: …", answers that recipient's RCPT TO. */
function echoesRecipient(event: BounceEvent): boolean {
  // Found with indexOf, not a pattern built from the address: any text can be an address here, however long.
  const diagnostic = event.diagnostic.toLowerCase();
  const echoed = `<${event.address.toLowerCase()}>:`;
  for (let at = diagnostic.indexOf(echoed); at >= 0; at = diagnostic.indexOf(echoed, at + 1)) {
    if (REPLY_BEFORE_ECHO.test(diagnostic.slice(Math.max(0, at - 16), at))) return true;
  }
  return false;
}
const REPLY_BEFORE_ECHO = /[45]\d\d[\s:-]*$/;

const ENHANCED_IN_TEXT = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/;
const REPLY_IN_TEXT = /(?<![\d.\w-])([245][0-5]\d)(?=[\s-]|$)/;
const FAILURE_REPLY_IN_TEXT = /(?<![\d.\w-])([45][0-5]\d)(?=[\s-]|$)/;

/** Words that name the command a reply answered, in the forms MTAs write: "in reply to RCPT TO command", "after end
 * of data", "SMTP command: DATA", "-------SMTP command DATA", "Remote-Command: RCPT", "(state 14)" of Exchange. */
const COMMAND_NAMED = /(?:in reply to|after|smtp command|remote[- ]command|command was|failed at|during)\W{0,12}(end of data|data|rcpt(?: to)?|mail from)\b/i;

/** The SMTP command a failure text says the reply answered ("in reply to RCPT TO command", "after end of data"). */
export function smtpStageIn(text: string): SmtpStage | undefined {
  // Transcripts quoted in a forwarded or re-bounced report carry a "> " before each line: ">>>> DATA > <<< 550".
  if (/end of data|>>> DATA(?:\s+>)*\s+<<< [45]/i.test(text)) return 'DATA';
  // qmail-remote says a server "does not like recipient" only for a refused RCPT TO.
  if (/RCPT TO (?:command|response)|does not like recipient|\[RCPT_TO\]|>>> RCPT TO:?\s*<[^>]*>(?:\s+>)*\s+<<< [45]/i.test(text)) return 'RCPT';
  const named = COMMAND_NAMED.exec(text)?.[1].toLowerCase();
  if (!named) return undefined;
  return named.startsWith('rcpt') ? 'RCPT' : named.startsWith('mail') ? 'MAIL' : 'DATA';
}

/** First RFC 3463 code in a diagnostic text ("#5.1.1", "5.7.1"), skipping IP-address-like runs. */
export function enhancedCodeIn(text: string): string | undefined {
  const match = ENHANCED_IN_TEXT.exec(text);
  return match ? `${match[1]}.${Number(match[2])}.${Number(match[3])}` : undefined;
}

/** First three-digit SMTP reply code in a diagnostic text; `failures` skips 2xx (numbers in prose look like them). */
export function replyCodeIn(text: string, failures = false): string | undefined {
  return (failures ? FAILURE_REPLY_IN_TEXT : REPLY_IN_TEXT).exec(text)?.[1];
}

/** The reason a diagnostic's own words give, if any (no code looked at). */
export function reasonInWords(diagnostic: string): ReasonCategory | undefined {
  return reasonOf(wordingOf(diagnostic));
}

/**
 * Addresses are data, not wording: "filtered@example.jp" must not read as "filtered". Each becomes "@", so wording
 * around one still reads as a phrase ("user @ was not found", "<@> not found"). Identifiers are data too, each "ID"
 * (letters for letters, so no word boundary moves): a random one could spell "quota" (read as a full mailbox), and as
 * they differ in every reply, the decision table ran for every Gmail failure (most of the time of a log of them).
 */
function wordingOf(diagnostic: string): string {
  // Most replies name no address: the address pattern is not run over them.
  const addressFree = diagnostic.includes('@') ? diagnostic.replace(ADDRESS_IN_TEXT, '@') : diagnostic;
  return squeezeSpaces(maskIdentifiers(addressFree, 'ID'));
}

/** What the decision table reads of an event: the codes, the SMTP stage, the wording. */
function evidenceOf(event: BounceEvent, carrier: boolean): Evidence & { readonly wording: string } {
  const stage = event.stage ?? smtpStageIn(event.diagnostic);
  // A vague status (X.0.0, often the relaying MTA's own) gives way to a more specific code in the server's reply.
  const status = !event.status || /^\d\.0\.0$/.test(event.status) ? enhancedCodeIn(event.diagnostic) ?? event.status : event.status;
  return { outcome: event.outcome, status, reply: event.reply, wording: wordingOf(event.diagnostic), stage, carrierFilter: carrier && !echoesRecipient(event) };
}

/** Classifies one event by the decision table (src/core/policy/decide.ts). */
export function classify(event: BounceEvent, policy: BouncePolicy = DEFAULT_POLICY, carrier = isMobileCarrierAddress(event.address)): ClassifiedEvent {
  if (event.outcome === 'delivered') return withVerdict(event, 'none', 'success', 'delivered');
  const { type, reason, row } = decide(evidenceOf(event, carrier), policy);
  return withVerdict(event, type, reason, row);
}

/** The event with its verdict; spelled out because an object spread is several times slower on the hot path. */
export function withVerdict(event: BounceEvent, type: BounceType, reason: ReasonCategory, rule: RowName): ClassifiedEvent {
  return {
    address: event.address, outcome: event.outcome, status: event.status, reply: event.reply, diagnostic: event.diagnostic,
    remoteMta: event.remoteMta, date: event.date, messageId: event.messageId, file: event.file, line: event.line,
    format: event.format, stage: event.stage, source: event.source, type, reason, rule,
  };
}

/** Most failures repeat a handful of texts: the classifier remembers verdicts per text (and per evidence, below), up
 * to 10,000 texts and 1 M characters of them in all (a few MB), then starts afresh; by text from a text's second time
 * on (TextCache), as far as 16,384 slots (64 KB) remember. */
const VERDICTS_BY_TEXT = { texts: 10_000, chars: 1 << 20, recentSlots: 1 << 14 } as const;
const VERDICTS_BY_EVIDENCE = { texts: 10_000, chars: 1 << 20 } as const;

type Decided = Pick<ClassifiedEvent, 'type' | 'reason' | 'rule'>;

/**
 * A classifier for one extraction run (one policy), with the decision table memoized twice: by the event's text
 * (the same reply to another address costs a lookup), and by what the table reads of it (the same reply with another
 * message ID, whose identifier the wording leaves out, costs reading its codes and words, not the table's patterns).
 */
export function createClassifier(policy: BouncePolicy = DEFAULT_POLICY): (event: BounceEvent) => ClassifiedEvent {
  const byText = new TextCache<Decided>(VERDICTS_BY_TEXT);
  const byEvidence = new TextCache<Decided>(VERDICTS_BY_EVIDENCE);
  return (event) => {
    // The address is left out of the key, so the one thing about it that changes a verdict goes in.
    const carrier = isMobileCarrierAddress(event.address);
    const key = `${event.outcome}|${event.status}|${event.reply}|${event.stage}|${carrier}`;
    const { diagnostic, address } = event;
    const text = diagnostic.includes(address) ? diagnostic.split(address).join('') : diagnostic;
    let verdict = byText.get(text, key);
    if (!verdict) {
      const evidence = evidenceOf(event, carrier);
      // Everything decide() reads, so a verdict found by it is the one decide() would give.
      const evidenceKey = `${evidence.outcome}|${evidence.status}|${evidence.reply}|${evidence.stage}|${evidence.carrierFilter}`;
      verdict = byEvidence.get(evidence.wording, evidenceKey);
      if (!verdict) {
        const { type, reason, row } = decide(evidence, policy);
        verdict = { type, reason, rule: row };
        byEvidence.set(evidence.wording, verdict, evidenceKey);
      }
      byText.set(text, verdict, key);
    }
    return withVerdict(event, verdict.type, verdict.reason, verdict.rule);
  };
}
