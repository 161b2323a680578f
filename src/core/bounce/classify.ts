// Hard/soft decision and reason for one failure, from the enhanced code, the reply code and the diagnostic text.
//
// Policy (documented in README "Accuracy"): the suppression list is for addresses that cannot receive mail.
import { bounceTypeFor, DEFAULT_POLICY } from '../knowledge';
import type { BouncePolicy, BounceType, ReasonCategory } from '../knowledge/types';
import { ADDRESS_IN_TEXT } from './address';
import { detach } from './detach';
import type { BounceEvent, ClassifiedEvent, SmtpStage } from './types';

/** A text pattern and the reason it signals. Order matters: the first match wins. */
type Rule = readonly [RegExp, ReasonCategory];

// Specific wording that decides the reason whatever the code says.
const STRONG_RULES: readonly Rule[] = [
  // Refused at MAIL FROM: the sender was rejected, whatever the text says about addresses or domains.
  [/after MAIL FROM|in reply to MAIL FROM/i, 'blocked'],
  // Facebook's RCP-P2 and similar: the recipient's own settings refused the sender.
  [/recipient(?:'s)? preferences|refused due to recipient/i, 'policy'],
  // Local delivery programs failing (procmail, pipes) say nothing about the address.
  [/procmail|couldn't create|mailer (?:error|failure)|command (?:died|failed)|exited with|\bexit (?:status|code)/i, 'technical'],
  // cPanel's Exim routers answer "could not deliver … missing the proper dns entries" when the recipient domain has no
  // usable MX or address record (Exim's "Unrouteable address"); its "may be blacklisted" is boilerplate, not a block.
  [/missing the proper dns entries/i, 'host-unknown'],
  [/null ?mx|does not accept (?:e-?)?mail|doesn't accept mail|domain does not receive mail/i, 'null-mx'],
  [/recipient address rejected: access denied|has (?:been )?moved|has been replaced by|no longer (?:valid|available|in use|accepts mail|active)|address (?:has been )?(?:deactivated|retired)/i, 'user-unknown'],
  [/over (?:disk )?quota|quota (?:exceeded|full)|exceeded (?:storage|(?:the |his |her )?quota)|mailbox (?:is )?full|mail ?box full|mailfolder is full|insufficient (?:disk )?(?:space|storage)|out of storage|storage (?:allocation|space) exceeded|not enough (?:disk )?space|mailbox size limit exceeded|too much mail data|full mailbox/i, 'mailbox-full'],
  [/message (?:is )?too (?:big|large)|message size exceeds|exceeds? (?:the )?(?:maximum )?(?:message )?size|size limit|message length exceeds|too big for/i, 'message-too-big'],
  [/retry time ?out exceeded|retry timeout|delivery time expired|message expired|too long in queue|queue time exceeded|could not be delivered (?:within|for)|delivery expired|maximum time|time(?:d)? ?out waiting|timeout exceeded/i, 'expired'],
  [/account (?:has been |is )?(?:disabled|suspended|inactive|locked|frozen|blocked)|mailbox (?:has been |is )?(?:disabled|suspended|inactive|locked|frozen)|account (?:is )?(?:temporarily )?unavailable: account|(?:disabled|suspended|inactive|deactivated|expired) (?:account|mailbox|user|recipient)|is (?:disabled|deactivated)\b|receiving (?:is )?disabled|mailbox unavailable: account suspended/i, 'mailbox-disabled'],
  [/\bspam(?:my)?\b|unsolicited|junk mail|bulk mail|content (?:was )?rejected|looks like|virus|malware|infected/i, 'spam-detected'],
  [/relay(?:ing)? (?:access )?denied|not permitted to relay|relay not permitted|we do not relay|not allowed to relay|unable to relay|relaying denied|no relaying/i, 'policy'],
  [/\b(?:spf|dkim|dmarc)\b|authenticat|tls (?:is )?required|must use starttls|encryption required|not authorized to send/i, 'authentication'],
  [/block(?:ed|list)|black ?list|\bdnsbl\b|\brbl\b|spamhaus|spamcop|barracuda|reputation|(?<!not )listed (?:at|in|on|by)|client host (?:\[[^\]]*\] )?rejected|(?:sender|your) ip|ip address .{0,40}(?:rejected|refused|listed)|access denied|banned|poor reputation|refused to talk|connection (?:refused|rejected) (?:by|from)|not allowed to send|sender (?:address )?rejected|sender (?:domain|address) (?:must exist|not found|unknown)|domain of sender address|sender verify failed/i, 'blocked'],
  [/too many (?:connections|messages|recipients)|rate (?:limit|exceeded)|at a rate that|throttl|try again later|sending rate|exceeded .{0,20}limit/i, 'rate-limited'],
  [/policy|prohibited|not permitted|violat|refused by (?:the )?administrator|forbidden|filtered|content filter|rejected by .{0,30}filter|message (?:was )?refused|header .{0,20}(?:invalid|missing|rejected)|invalid message/i, 'policy'],
  [/connection (?:timed out|refused|reset)|could not connect|no route to host|network (?:is )?unreachable|lost connection|timed out|too many hops|mail (?:for .* )?loops? back|routing loop|mail loop/i, 'network'],
  // DNS trouble (not an answer that the domain does not exist).
  [/malformed or unexpected name server reply|name server failure|server ?fail|temporary failure in name resolution|dns (?:lookup )?time ?out/i, 'network'],
  [/unknown (?:host|domain)|host (?:or domain name )?(?:not found|unknown)|domain (?:not found|does not exist|is not reachable|must exist|unknown|name not found|not exist)|no such domain|name (?:or service )?not known|name service error|unrout(?:e)?able|no mx (?:record|found|or a)|mx lookup fail|dns error|domain .{0,40} does not exist|can't route by dns|hostname lookup failed|bad destination system address|unknown domain name|not a valid domain/i, 'host-unknown'],
  [/user(?:name)? (?:is )?(?:unknown|not found|not known|not exist|does not exist|doesn't exist|unavailable|missing)|unknown (?:virtual )?(?:user|recipient|mailbox|local[- ]part|address|alias|e-?mail address)|(?:mailbox|user|recipient|rcpt|account) (?:<?@>? |[^\s@]+ )?(?:does ?n[o']t exist|was not found(?: in)?|not found)\b|<@> not found|archived recipient|can'?t accept user|destination addresses were unknown|is not an active address|no mail ?box available for this user|non-?existent (?:user|mailbox|recipient|address)|not a local address|recipient is not local|(?:account|address) (?:that )?you tried to reach does not exist|e-?mail name is not found|no thank you rejected: account unavailable|no such (?:user|mailbox|recipient|address|account|person|email|local user|mail drop)|no valid recipients?|(?:mailbox|account|recipient|address|user|e-?mail address|destination|addressee) (?:does ?n[o']t|did ?n[o']t|doesnt) exist|(?:mailbox|recipient|address|user) (?:not found|not present|unknown|not exist|invalid)|not a (?:valid|known) (?:user|mailbox|recipient|address)|is not a valid (?:mailbox|user|recipient)|invalid (?:recipient|mailbox|user|address|e-?mail)|(?:recipient|address) (?:is )?(?:rejected|refused|invalid)|bad[-_ ](?:recipient|address|destination mailbox|mailbox)|no (?:mailbox|account) (?:here |by that name|found|available)|there is no one at this address|not listed in|badrcptto|not in my (?:validrcptto|list)|doesn't have an? .{0,30}account|unknown or illegal alias|recipient not ok|is not a known user|no one at this address|does not have an? (?:email )?account|couldn't be found|could not be found|address .{0,30}(?:rejected|denied|not valid|invalid)|utilisateur inconnu|destinat[aá]rio desconhecido|destinataire inconnu|nessun utente|unbekannt|no existe/i, 'user-unknown'],
  [/system not accepting|not accepting (?:network )?messages|not accepting mail|service (?:temporarily )?unavailable|system (?:is )?(?:busy|down|full)/i, 'system-not-accepting'],
];

// Generic wording that only decides when the code says nothing more specific.
const WEAK_RULES: readonly Rule[] = [
  [/mailbox (?:@ )?(?:is )?unavailable|requested action not taken|recipient (?:address )?rejected|rejected recipient|refused|undeliverable|cannot be delivered/i, 'user-unknown'],
  [/rejected|denied/i, 'policy'],
];

/** Reason by enhanced code subject.detail (RFC 3463 and its IANA registry). */
const BY_ENHANCED: Readonly<Record<string, ReasonCategory>> = {
  '1.1': 'user-unknown', '1.2': 'host-unknown', '1.3': 'user-unknown', '1.6': 'user-unknown', '1.10': 'null-mx',
  '1.8': 'blocked', '1.7': 'blocked', '2.1': 'mailbox-disabled', '2.2': 'mailbox-full', '2.3': 'message-too-big',
  '2.4': 'technical', '3.0': 'technical', '3.1': 'mailbox-full', '3.3': 'technical', '3.5': 'technical', '3.2': 'system-not-accepting', '3.4': 'message-too-big',
  '4.1': 'network', '4.2': 'network', '4.3': 'routing', '4.4': 'host-unknown', '4.6': 'network', '4.7': 'expired',
  '5.3': 'rate-limited', '6.0': 'content', '7.0': 'authentication', '7.1': 'blocked', '7.7': 'content',
  '7.8': 'authentication', '7.9': 'authentication', '7.25': 'blocked', '7.26': 'authentication',
  '7.27': 'null-mx', '7.23': 'authentication', '7.24': 'authentication', '7.28': 'spam-detected',
};

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
  const address = event.address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`[45]\\d\\d[\\s:-]*<${address}>:`, 'i').test(event.diagnostic);
}

/** Reasons that mean "this address (or its domain) cannot receive mail": the suppression list. */
const ADDRESS_GONE: ReadonlySet<ReasonCategory> = new Set(['user-unknown', 'host-unknown', 'null-mx', 'system-not-accepting']);
/**
 * Reasons about the sender, the message or the moment, and disabled accounts (which are often re-enabled): the
 * address may still work, so these are never suppressed by their wording alone.
 */
const ADDRESS_MAY_WORK: ReadonlySet<ReasonCategory> = new Set([
  'mailbox-full', 'mailbox-disabled', 'message-too-big', 'expired', 'spam-detected', 'policy', 'authentication', 'blocked',
  'rate-limited', 'network', 'content', 'security', 'routing', 'protocol', 'technical',
]);

const ENHANCED_IN_TEXT = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/;
const REPLY_IN_TEXT = /(?<![\d.\w-])([245][0-5]\d)(?=[\s-]|$)/;
const FAILURE_REPLY_IN_TEXT = /(?<![\d.\w-])([45][0-5]\d)(?=[\s-]|$)/;

/** The SMTP command a failure text says the reply answered ("in reply to RCPT TO command", "after end of data"). */
export function smtpStageIn(text: string): SmtpStage | undefined {
  // Transcripts quoted in a forwarded or re-bounced report carry a "> " before each line: ">>>> DATA > <<< 550".
  if (/(?:in reply to|after) (?:end of )?DATA|end of data|>>> DATA(?:\s+>)*\s+<<< [45]/i.test(text)) return 'DATA';
  // qmail-remote says a server "does not like recipient" only for a refused RCPT TO.
  if (/(?:in reply to|after) RCPT(?: TO)?\b|RCPT TO (?:command|response)|does not like recipient|\[RCPT_TO\]|>>> RCPT TO:?\s*<[^>]*>(?:\s+>)*\s+<<< [45]/i.test(text)) return 'RCPT';
  if (/(?:in reply to|after) MAIL FROM/i.test(text)) return 'MAIL';
  return undefined;
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

function firstRule(rules: readonly Rule[], text: string): ReasonCategory | undefined {
  for (const [pattern, reason] of rules) if (pattern.test(text)) return reason;
  return undefined;
}

/** Patterns the user added to the default policy (settings): they override the wording both ways. */
function userOverride(code: string, policy: BouncePolicy): BounceType | undefined {
  const extraHard = policy.hardCodes.filter((pattern) => !DEFAULT_POLICY.hardCodes.includes(pattern));
  const extraSoft = policy.softCodes.filter((pattern) => !DEFAULT_POLICY.softCodes.includes(pattern));
  // Against catch-all patterns of the other type, only a user pattern that matches can win.
  if (extraHard.length && bounceTypeFor(code, { hardCodes: extraHard, softCodes: CATCH_ALL }) === 'hard') return 'hard';
  if (extraSoft.length && bounceTypeFor(code, { hardCodes: CATCH_ALL, softCodes: extraSoft }) === 'soft') return 'soft';
  return undefined;
}
const CATCH_ALL = ['5.*.*', '4.*.*', '5**', '4**'];

/** The reason for a failure: specific wording first, then the enhanced code, then generic wording. */
export function reasonFor(status: string | undefined, diagnostic: string, outcome: BounceEvent['outcome']): ReasonCategory {
  if (outcome === 'delivered') return 'success';
  // Addresses are data, not wording: "filtered@example.jp" must not read as "filtered". Each becomes "@", so wording
  // around one still reads as a phrase ("user @ was not found", "<@> not found").
  const text = diagnostic.replace(ADDRESS_IN_TEXT, '@').replace(/\s+/g, ' ');
  const strong = firstRule(STRONG_RULES, text);
  if (strong) return strong;
  const [, subject, detail] = (status ?? '').split('.');
  const byCode = status ? BY_ENHANCED[`${subject}.${detail}`] : undefined;
  if (byCode) return byCode;
  return firstRule(WEAK_RULES, text) ?? (outcome === 'deferred' ? 'technical' : 'other');
}

/**
 * Classifies one event. A permanent failure is hard when its reason says the address or domain cannot receive
 * mail (the wording wins over the code: "550 5.0.0 User unknown"), soft when the reason is about the sender,
 * the message, the moment or a disabled account, and otherwise as the knowledge base's policy says for a
 * specific enhanced code (soft without one). Patterns the user added in the
 * smtpDiagnostics.bounce.* settings override all of that.
 */
export function classify(event: BounceEvent, policy: BouncePolicy = DEFAULT_POLICY, carrier = isMobileCarrierAddress(event.address)): ClassifiedEvent {
  let reason = reasonFor(event.status, event.diagnostic, event.outcome);
  if (event.outcome === 'delivered') return withVerdict(event, 'none', reason);
  if (event.outcome === 'deferred') return withVerdict(event, 'soft', reason);
  const code = event.status ?? event.reply;
  const override = code ? userOverride(code, policy) : undefined;
  // A failure with a 2xx code in its text (a byte count, say) has no usable code: permanent, as reported.
  const permanent = code && /^[45]/.test(code) ? code.startsWith('5') : true;
  const stage = reason === 'user-unknown' ? event.stage ?? smtpStageIn(event.diagnostic) : undefined;
  // At a mobile carrier, "user unknown" is the recipient's own filter unless something shows it answered RCPT TO: the
  // stage, a 5.1.1 code or a reply echoing "<address>:". Relays (Gmail, Microsoft, SES) passing it on drop the stage.
  if (reason === 'user-unknown' && carrier && event.status !== '5.1.1' && stage !== 'RCPT' && !echoesRecipient(event)) reason = 'policy';
  let type: BounceType;
  if (override) type = override;
  // A 4xx is the moment, except a 4.1.1 "user unknown" that the sending queue retried until it gave up (the outcome is
  // a failure): the server said the mailbox is unknown for days, and only its own setting (Postfix soft_bounce or a
  // 450 reject code) kept the class at 4.
  else if (!permanent && !(reason === 'user-unknown' && event.status === '4.1.1')) type = 'soft';
  // "User unknown" in reply to the message itself (after DATA), once the server had accepted the recipient, is a
  // content filter's answer, not proof that the mailbox is missing (Sisimai: "filtered") — unless a 5.1.x code
  // says the address is bad (pipelining servers report RCPT failures at DATA).
  else if (reason === 'user-unknown' && !/^5\.1\./.test(event.status ?? '') && stage === 'DATA') type = 'soft';
  else if (ADDRESS_GONE.has(reason)) type = 'hard';
  else if (ADDRESS_MAY_WORK.has(reason)) type = 'soft';
  // No reason from wording or code: only a specific enhanced code (not x.y.0 "other", not a bare reply code) is evidence.
  else type = event.status && !/^\d\.\d+\.0$/.test(event.status) && bounceTypeFor(event.status, policy) === 'hard' ? 'hard' : 'soft';
  return withVerdict(event, type, reason);
}

/** The event with its verdict; spelled out because an object spread is several times slower on the hot path. */
export function withVerdict(event: BounceEvent, type: BounceType, reason: ReasonCategory): ClassifiedEvent {
  return {
    address: event.address, outcome: event.outcome, status: event.status, reply: event.reply, diagnostic: event.diagnostic,
    remoteMta: event.remoteMta, date: event.date, messageId: event.messageId, file: event.file, line: event.line,
    format: event.format, stage: event.stage, type, reason,
  };
}

/** Most failures repeat a handful of texts: the classifier remembers reasons per code and address-free text. */
const CACHE_LIMIT = 10_000;

/** A classifier for one extraction run (one policy), with the reason lookup memoized. */
export function createClassifier(policy: BouncePolicy = DEFAULT_POLICY): (event: BounceEvent) => ClassifiedEvent {
  const cache = new Map<string, Pick<ClassifiedEvent, 'type' | 'reason'>>();
  return (event) => {
    // The address is left out of the key, so the one thing about it that changes a verdict goes in.
    const carrier = isMobileCarrierAddress(event.address);
    const key = `${event.outcome}|${event.status}|${event.reply}|${event.stage}|${carrier}|${event.diagnostic.split(event.address).join('')}`;
    const known = cache.get(key);
    if (known) return withVerdict(event, known.type, known.reason);
    const classified = classify(event, policy, carrier);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(detach(key), { type: classified.type, reason: classified.reason });
    return classified;
  };
}
