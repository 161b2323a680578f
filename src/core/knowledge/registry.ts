// The IANA "SMTP Enhanced Status Codes" registry (RFC 3463, RFC 5248 and later RFCs): subjects and details.
// Titles are the registry's own summaries; they are facts and must match it letter for letter.

export interface SubjectInfo {
  readonly subject: number;
  readonly title: string;
  /** What part of the delivery the subject is about, in plain words. */
  readonly area: string;
}

export interface RegistryEntry {
  readonly subject: number;
  readonly detail: number;
  readonly title: string;
  readonly references: readonly string[];
  readonly deprecated?: true;
}

export const SUBJECTS: readonly SubjectInfo[] = [
  { subject: 0, title: 'Other or Undefined Status', area: 'no particular part of the delivery; the server gave no more precise reason' },
  { subject: 1, title: 'Addressing Status', area: 'the sender or recipient address: its syntax, its domain or whether the mailbox exists' },
  { subject: 2, title: 'Mailbox Status', area: 'the recipient mailbox itself, which exists but has a problem (disabled, full, limits)' },
  { subject: 3, title: 'Mail System Status', area: 'the receiving mail system as a whole, not one mailbox' },
  { subject: 4, title: 'Network and Routing Status', area: 'the network path and routing: DNS, MX lookups, connections, loops, queue lifetime' },
  { subject: 5, title: 'Mail Delivery Protocol Status', area: 'the SMTP dialogue itself: commands, syntax, arguments, recipient counts' },
  { subject: 6, title: 'Message Content or Media Status', area: 'the content of the message: MIME types, conversions, international (UTF-8) text' },
  { subject: 7, title: 'Security or Policy Status', area: 'security and policy: authorisation, authentication (SPF, DKIM, DMARC, ARC), TLS, reputation blocks' },
];

const RFC3463 = 'RFC 3463';

/** One row per registered detail, X.0.0 to X.7.30 (81 rows). */
export const REGISTRY: readonly RegistryEntry[] = [
  { subject: 0, detail: 0, title: 'Other undefined Status', references: [RFC3463] },

  { subject: 1, detail: 0, title: 'Other address status', references: [RFC3463] },
  { subject: 1, detail: 1, title: 'Bad destination mailbox address', references: [RFC3463] },
  { subject: 1, detail: 2, title: 'Bad destination system address', references: [RFC3463] },
  { subject: 1, detail: 3, title: 'Bad destination mailbox address syntax', references: [RFC3463] },
  { subject: 1, detail: 4, title: 'Destination mailbox address ambiguous', references: [RFC3463] },
  { subject: 1, detail: 5, title: 'Destination address valid', references: [RFC3463] },
  { subject: 1, detail: 6, title: 'Destination mailbox has moved, No forwarding address', references: [RFC3463] },
  { subject: 1, detail: 7, title: "Bad sender's mailbox address syntax", references: [RFC3463] },
  { subject: 1, detail: 8, title: "Bad sender's system address", references: [RFC3463] },
  { subject: 1, detail: 9, title: 'Message relayed to non-compliant mailer', references: ['RFC 3886'] },
  { subject: 1, detail: 10, title: 'Recipient address has null MX', references: ['RFC 7505'] },

  { subject: 2, detail: 0, title: 'Other or undefined mailbox status', references: [RFC3463] },
  { subject: 2, detail: 1, title: 'Mailbox disabled, not accepting messages', references: [RFC3463] },
  { subject: 2, detail: 2, title: 'Mailbox full', references: [RFC3463] },
  { subject: 2, detail: 3, title: 'Message length exceeds administrative limit', references: [RFC3463] },
  { subject: 2, detail: 4, title: 'Mailing list expansion problem', references: [RFC3463] },

  { subject: 3, detail: 0, title: 'Other or undefined mail system status', references: [RFC3463] },
  { subject: 3, detail: 1, title: 'Mail system full', references: [RFC3463] },
  { subject: 3, detail: 2, title: 'System not accepting network messages', references: [RFC3463] },
  { subject: 3, detail: 3, title: 'System not capable of selected features', references: [RFC3463] },
  { subject: 3, detail: 4, title: 'Message too big for system', references: [RFC3463] },
  { subject: 3, detail: 5, title: 'System incorrectly configured', references: [RFC3463] },
  { subject: 3, detail: 6, title: 'Requested priority was changed', references: ['RFC 6710'] },

  { subject: 4, detail: 0, title: 'Other or undefined network or routing status', references: [RFC3463] },
  { subject: 4, detail: 1, title: 'No answer from host', references: [RFC3463] },
  { subject: 4, detail: 2, title: 'Bad connection', references: [RFC3463] },
  { subject: 4, detail: 3, title: 'Directory server failure', references: [RFC3463] },
  { subject: 4, detail: 4, title: 'Unable to route', references: [RFC3463] },
  { subject: 4, detail: 5, title: 'Mail system congestion', references: [RFC3463] },
  { subject: 4, detail: 6, title: 'Routing loop detected', references: [RFC3463] },
  { subject: 4, detail: 7, title: 'Delivery time expired', references: [RFC3463] },

  { subject: 5, detail: 0, title: 'Other or undefined protocol status', references: [RFC3463] },
  { subject: 5, detail: 1, title: 'Invalid command', references: [RFC3463] },
  { subject: 5, detail: 2, title: 'Syntax error', references: [RFC3463] },
  { subject: 5, detail: 3, title: 'Too many recipients', references: [RFC3463] },
  { subject: 5, detail: 4, title: 'Invalid command arguments', references: [RFC3463] },
  { subject: 5, detail: 5, title: 'Wrong protocol version', references: [RFC3463] },
  { subject: 5, detail: 6, title: 'Authentication Exchange line is too long', references: ['RFC 4954'] },

  { subject: 6, detail: 0, title: 'Other or undefined media error', references: [RFC3463] },
  { subject: 6, detail: 1, title: 'Media not supported', references: [RFC3463] },
  { subject: 6, detail: 2, title: 'Conversion required and prohibited', references: [RFC3463] },
  { subject: 6, detail: 3, title: 'Conversion required but not supported', references: [RFC3463] },
  { subject: 6, detail: 4, title: 'Conversion with loss performed', references: [RFC3463] },
  { subject: 6, detail: 5, title: 'Conversion Failed', references: [RFC3463] },
  { subject: 6, detail: 6, title: 'Message content not available', references: ['RFC 4468'] },
  { subject: 6, detail: 7, title: 'Non-ASCII addresses not permitted for that sender/recipient', references: ['RFC 6531'] },
  { subject: 6, detail: 8, title: 'UTF-8 string reply is required, but not permitted by the SMTP client', references: ['RFC 6531'] },
  { subject: 6, detail: 9, title: 'UTF-8 header message cannot be transferred to one or more recipients, so the message must be rejected', references: ['RFC 6531'] },
  // The registry gives X.6.10 no sample text (summary), only the description below (RFC 6531 §4.2); that
  // description stands in as its title.
  { subject: 6, detail: 10, title: 'This is a duplicate of X.6.8 and is thus deprecated.', references: ['RFC 6531'], deprecated: true },

  { subject: 7, detail: 0, title: 'Other or undefined security status', references: [RFC3463] },
  { subject: 7, detail: 1, title: 'Delivery not authorized, message refused', references: [RFC3463] },
  { subject: 7, detail: 2, title: 'Mailing list expansion prohibited', references: [RFC3463] },
  { subject: 7, detail: 3, title: 'Security conversion required but not possible', references: [RFC3463] },
  { subject: 7, detail: 4, title: 'Security features not supported', references: [RFC3463] },
  { subject: 7, detail: 5, title: 'Cryptographic failure', references: [RFC3463] },
  { subject: 7, detail: 6, title: 'Cryptographic algorithm not supported', references: [RFC3463] },
  { subject: 7, detail: 7, title: 'Message integrity failure', references: [RFC3463] },
  { subject: 7, detail: 8, title: 'Authentication credentials invalid', references: ['RFC 4954'] },
  { subject: 7, detail: 9, title: 'Authentication mechanism is too weak', references: ['RFC 4954'] },
  { subject: 7, detail: 10, title: 'Encryption Needed', references: ['RFC 5248'] },
  { subject: 7, detail: 11, title: 'Encryption required for requested authentication mechanism', references: ['RFC 4954'] },
  { subject: 7, detail: 12, title: 'A password transition is needed', references: ['RFC 4954'] },
  { subject: 7, detail: 13, title: 'User Account Disabled', references: ['RFC 5248'] },
  { subject: 7, detail: 14, title: 'Trust relationship required', references: ['RFC 5248'] },
  { subject: 7, detail: 15, title: 'Priority Level is too low', references: ['RFC 6710'] },
  { subject: 7, detail: 16, title: 'Message is too big for the specified priority', references: ['RFC 6710'] },
  { subject: 7, detail: 17, title: 'Mailbox owner has changed', references: ['RFC 7293'] },
  { subject: 7, detail: 18, title: 'Domain owner has changed', references: ['RFC 7293'] },
  { subject: 7, detail: 19, title: 'RRVS test cannot be completed', references: ['RFC 7293'] },
  { subject: 7, detail: 20, title: 'No passing DKIM signature found', references: ['RFC 7372', 'RFC 6376'] },
  { subject: 7, detail: 21, title: 'No acceptable DKIM signature found', references: ['RFC 7372', 'RFC 6376'] },
  { subject: 7, detail: 22, title: 'No valid author-matched DKIM signature found', references: ['RFC 7372', 'RFC 6376'] },
  { subject: 7, detail: 23, title: 'SPF validation failed', references: ['RFC 7372', 'RFC 7208'] },
  { subject: 7, detail: 24, title: 'SPF validation error', references: ['RFC 7372', 'RFC 7208'] },
  { subject: 7, detail: 25, title: 'Reverse DNS validation failed', references: ['RFC 7372', 'RFC 7001 §3'] },
  { subject: 7, detail: 26, title: 'Multiple authentication checks failed', references: ['RFC 7372'] },
  { subject: 7, detail: 27, title: 'Sender address has null MX', references: ['RFC 7505'] },
  { subject: 7, detail: 28, title: 'Mail flood detected', references: ['IANA registry (from an Internet-Draft on mail floods)'] },
  { subject: 7, detail: 29, title: 'ARC validation failure', references: ['RFC 8617'] },
  { subject: 7, detail: 30, title: 'REQUIRETLS support required', references: ['RFC 8689'] },
];

const BY_KEY = new Map(REGISTRY.map((entry) => [`${entry.subject}.${entry.detail}`, entry]));

export function registryEntry(subject: number, detail: number): RegistryEntry | undefined {
  return BY_KEY.get(`${subject}.${detail}`);
}

export function subjectInfo(subject: number): SubjectInfo | undefined {
  return SUBJECTS[subject];
}
