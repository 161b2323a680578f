// Vendor-specific meanings: codes that providers use outside the registry, or with a meaning that differs
// from it. Each rule names the vendor so the explanation can label the note as vendor-specific.
import type { ReasonCategory } from './types';

export interface VendorRule {
  readonly vendor: string;
  /** Canonical enhanced codes ("5.7.708") this rule covers. */
  readonly matches: (code: string) => boolean;
  readonly note: string;
  /** For codes the registry does not list: the vendor's own name for it, used as the title. */
  readonly title?: string;
  readonly category?: ReasonCategory;
  readonly causes?: readonly string[];
  readonly actions?: readonly string[];
}

function inRange(prefix: string, low: number, high: number): (code: string) => boolean {
  return (code) => {
    if (!code.startsWith(prefix)) return false;
    const detail = Number(code.slice(prefix.length));
    return Number.isInteger(detail) && detail >= low && detail <= high;
  };
}

const exactly = (...codes: string[]) => (code: string) => codes.includes(code);

const MICROSOFT = 'Microsoft 365 / Exchange Online';

export const VENDOR_RULES: readonly VendorRule[] = [
  {
    vendor: MICROSOFT,
    matches: exactly('5.7.509'),
    title: 'Access denied: the sending domain fails DMARC and publishes p=reject (Microsoft)',
    category: 'authentication',
    note: 'Microsoft uses 5.7.509 when the From domain fails DMARC and its DMARC record asks receivers to reject such mail.',
    causes: ['SPF and DKIM both fail alignment with the From domain', 'a forwarding service or mailing list broke the DKIM signature'],
    actions: ['sign with DKIM using the From domain (d= aligned) and make SPF cover every sending IP', 'read DMARC aggregate reports (rua) to find the failing source'],
  },
  {
    vendor: MICROSOFT,
    matches: exactly('5.7.515'),
    title: 'Access denied: the sending domain does not meet the authentication level required for high-volume senders (Microsoft)',
    category: 'authentication',
    note: 'Outlook.com consumer mailboxes require SPF, DKIM and DMARC (at least p=none) from domains that send in volume; 5.7.515 rejects mail that misses that bar.',
    causes: ['the From domain has no DMARC record, or SPF or DKIM fails', 'a new sending platform was added without DKIM signing for the domain'],
    actions: ['publish a DMARC record and make SPF pass and DKIM pass, both aligned with the From domain', 'retest with a message to an Outlook.com mailbox and read its Authentication-Results header'],
  },
  {
    vendor: MICROSOFT,
    matches: inRange('5.7.', 606, 649),
    title: 'Access denied: banned sending IP (Microsoft)',
    category: 'blocked',
    note: "In 5.7.606–5.7.649 Microsoft reports that the connecting IP is on its own block list, usually after spam from that IP. It is not the registry's meaning: the registry has no details above 30.",
    causes: ['the sending IP (often a shared or newly assigned one) sent spam or hit spam traps', 'a compromised account or open relay sent mail through that IP'],
    actions: ['request delisting through the Microsoft delist portal (sender.office.com) after fixing the cause', 'send through another IP or provider only after the cause is fixed, or the new IP is listed too'],
  },
  {
    vendor: MICROSOFT,
    matches: inRange('5.7.', 700, 750),
    title: 'Access denied: the sending tenant is blocked or restricted (Microsoft)',
    category: 'blocked',
    note: 'In 5.7.700–5.7.750 Microsoft reports a block on the sending Microsoft 365 tenant rather than on a message: for example a tenant that exceeded its sending threshold, a new or trial tenant whose traffic is not accepted, or a tenant sending from domains it has not registered (5.7.750).',
    causes: ['the sending Microsoft 365 tenant exceeded its outbound limits or is suspected of compromise', 'mail was sent from a domain that is not an accepted domain of the tenant, or from a tenant with no paid licence yet'],
    actions: ['the sending tenant administrator opens a Microsoft support case; the recipient cannot lift it', 'add and verify the sending domain in the tenant, and check the tenant for compromised accounts'],
  },
  {
    vendor: MICROSOFT,
    matches: (code) => /^5\.7\.[67]\d\d$/.test(code) && !inRange('5.7.', 606, 649)(code) && !inRange('5.7.', 700, 750)(code),
    title: 'Access denied by Microsoft filtering (Microsoft-specific detail)',
    category: 'blocked',
    note: 'Microsoft uses the 5.7.6xx and 5.7.7xx details for its own IP and tenant blocks; they are not registry codes. The text after the code names the exact reason.',
    causes: ['the sending IP or tenant is blocked by Microsoft', 'the sending tenant or domain is not provisioned for outbound mail'],
    actions: ['read the text after the code and follow the Microsoft NDR documentation for that number', 'contact Microsoft support from the sending side; recipients cannot lift these blocks'],
  },
  {
    vendor: MICROSOFT,
    matches: inRange('4.7.', 650, 699),
    title: 'Temporarily rate limited due to IP reputation (Microsoft)',
    category: 'rate-limited',
    note: 'Microsoft defers mail in 4.7.650–4.7.699 while it builds reputation for a new or suspicious sending IP; it is throttling, not a rejection.',
    causes: ['a new IP started sending volume without a warm-up', 'complaint or spam-trap rates from the IP went up'],
    actions: ['keep retrying at a lower rate; the queue delivers as the limit lifts', 'warm up new IPs gradually and keep complaint rates low'],
  },
  {
    vendor: MICROSOFT,
    matches: exactly('5.4.1'),
    note: 'Exchange Online answers "550 5.4.1 Recipient address rejected: Access denied" when Directory-Based Edge Blocking (DBEB) finds no such recipient in the tenant directory. In practice this is "user unknown" (hard), not the registry\'s "no answer from host".',
  },
  {
    vendor: MICROSOFT,
    matches: exactly('4.7.26'),
    note: 'Exchange Online defers with 4.7.26 when a message passes neither SPF nor DKIM ("must pass either SPF or DKIM validation, this message is not signed").',
  },
  {
    vendor: 'Gmail',
    matches: exactly('5.7.26', '4.7.26'),
    note: 'Gmail uses 5.7.26 (reject) and 4.7.26 (defer) for unauthenticated mail: the message passed neither SPF nor DKIM, or failed the DMARC policy of the From domain. Since 2024 bulk senders to Gmail also need SPF, DKIM and DMARC together.',
  },
  {
    vendor: 'Gmail',
    matches: exactly('4.7.28', '5.7.28'),
    note: 'Gmail uses 4.7.28 to throttle an IP or domain after an unusual rate of unsolicited mail; sending slower and lowering complaints lets it pass.',
  },
  {
    vendor: 'Gmail',
    matches: exactly('5.7.1', '4.7.1'),
    note: 'Gmail sends 5.7.1 for several different policy refusals (message likely spam, recipient domain policy, IP reputation); the sentence after the code and its support link tell which.',
  },
  {
    vendor: 'IETF draft vs Microsoft',
    matches: exactly('4.4.8', '5.4.8'),
    title: 'Not registered: an expired IETF draft and Microsoft (MTA-STS) use this number differently',
    category: 'security',
    note: 'X.4.8 is not in the IANA registry. An IETF Internet-Draft that has since expired proposed the number for another condition, so older tools may name it after that draft. Microsoft Exchange Online uses 4.4.8 when the recipient domain publishes an MTA-STS policy (RFC 8461) in enforce mode and no MX host could satisfy it (certificate or host name mismatch), so the message waits in the queue.',
    causes: ["the recipient's MX host presents a certificate that does not match its name or has expired", 'the MTA-STS policy file lists MX names that differ from the published MX records'],
    actions: ["the recipient domain fixes its certificate or its MTA-STS policy (https://mta-sts.<domain>/.well-known/mta-sts.txt)", 'check the policy and the MX certificates with an MTA-STS checker; the sender can only wait or contact the recipient'],
  },
  {
    vendor: 'Sisimai (bounce parser)',
    matches: (code) => /^[45]\.0\.9\d\d$/.test(code),
    title: 'Pseudo code assigned by a bounce parser (no server sent it)',
    category: 'other',
    note: 'Codes X.0.9xx are not sent by mail servers: the Sisimai bounce parser assigns them when a bounce carries no enhanced status code, to encode the reason it found in the text.',
    causes: ['the bounce message had only free text or a basic reply code', 'the parser matched the reason from wording such as "user unknown" or "blocked"'],
    actions: ['read the reason the parser reported and the original Diagnostic-Code text', 'treat hard or soft by that reason, not by these digits'],
  },
];

export function vendorRulesFor(code: string): readonly VendorRule[] {
  return VENDOR_RULES.filter((rule) => rule.matches(code));
}
