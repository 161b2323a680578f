// Full-depth entries for X.7.x (Security or Policy Status), including Gmail's authentication codes.
import type { DeepEntry } from '../notes';

const BLOCK_CAUSES = [
  'The sending IP is listed on a DNS block list (Spamhaus, Barracuda, SpamCop …) the receiver uses.',
  'Poor sender reputation at the receiver: complaints, spam-trap hits, sudden volume.',
  'SPF, DKIM or DMARC fails for the message.',
  'The content looks like spam or phishing (links, shorteners, attachments).',
  'Relaying was attempted through a server that does not relay for you.',
  'The recipient (or its administrator) blocks your address or domain.',
  'The receiver only accepts mail from certain senders (internal-only groups, allow lists).',
  'The sending IP has no reverse DNS or a generic one.',
  'A compromised account on the sending side sent spam from the same IP.',
  'Geographic or network-range blocks by the receiver.',
];

const AUTH_PRACTICES = [
  'Publish SPF that lists every service that sends for the domain, within the 10-lookup limit.',
  'Sign every message with DKIM using your own domain (2048-bit keys).',
  'Publish DMARC and read its aggregate reports before moving to quarantine or reject.',
  'Keep the From, envelope sender and DKIM domains aligned.',
  'Set matching forward and reverse DNS for sending IPs.',
  'Keep complaint rates low (under 0.3%, ideally under 0.1%) and offer one-click unsubscribe.',
  'Warm up new IPs and domains gradually.',
  'Do not suppress recipients for authentication failures: fix the sending side.',
];

export const SECURITY_DEEP: Readonly<Record<string, DeepEntry>> = {
  '5.7.1': {
    category: 'blocked',
    meaning: 'Delivery is not authorised: the receiver refuses by policy. 5.7.1 covers many different refusals — relay denied, IP or domain '
      + 'blocked, message judged spam, recipient accepts only certain senders — so the text after the code is essential. The recipient '
      + 'address is usually fine, which is why our default policy treats it as soft: fix the sending side, do not suppress.',
    causes: BLOCK_CAUSES,
    marketerSteps: [
      'Read the text and open any link it gives (provider policy pages name the exact reason).',
      'Check your sending IP and domain on public block lists.',
      'Review recent content and list quality: complaints and spam traps cause blocks.',
      'Pause sending to the affected provider while you fix the cause.',
      'Request delisting or contact the provider postmaster once fixed.',
    ],
    developerSteps: [
      'Classify 5.7.1 by the text: "relay access denied" is your configuration, "blocked" is reputation, "spam" is content.',
      'Make sure SPF, DKIM and DMARC pass (check Authentication-Results of a test message).',
      'Check that the application authenticates to its relay before sending.',
      'Keep 5.7.1 out of recipient suppression (default policy) unless the text says the user is unknown.',
      'Monitor 5.7.1 rates per receiving domain and alert on spikes.',
    ],
    investigation: [
      'Read the full reply text and any URL or block list name in it.',
      'Look up the sending IP on block lists (DNSBL lookups).',
      'Send a test to a mailbox you control at the same provider and read the headers.',
      'Check whether all recipients at the provider fail or only some.',
      'Check the relay logs to see whether the client authenticated.',
    ],
    examples: [
      '554 5.7.1 <client.example.net[192.0.2.1]>: Client host rejected: Access denied',
      '554 5.7.1 <user@example.org>: Relay access denied',
    ],
    providerResponses: [
      { provider: 'Gmail', text: '550-5.7.1 Our system has detected that this message is likely unsolicited mail.' },
      { provider: 'Microsoft 365', text: '550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus.' },
      { provider: 'Postfix', text: '554 5.7.1 <user@example.org>: Relay access denied' },
      { provider: 'Spamhaus-using receivers', text: '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org' },
    ],
    bestPractices: AUTH_PRACTICES,
    contrast: '4.7.1 is the temporary form: greylisting, rate limits or a temporary reputation hold, retried by the queue. 5.7.1 is a refusal that '
      + 'stays until the sender side changes.',
  },
  '4.7.1': {
    category: 'policy',
    meaning: 'A temporary policy refusal. Most often greylisting (the receiver asks unknown senders to come back after a few minutes) or a rate '
      + 'limit, sometimes a temporary reputation hold. The queue retries; a real MTA passes greylisting on the second attempt.',
    causes: [
      'Greylisting: first contact from an unknown sender/IP/recipient triplet.',
      'Rate limiting: too many messages or connections from your IP.',
      'A temporary reputation hold after a volume spike.',
      'A policy service (SPF, DNSBL) lookup that timed out.',
      'Sender verification callback could not complete.',
      'The recipient domain defers mail while a filter is updating.',
      'Gmail or Microsoft throttling new IPs.',
      'A sending pool that rotates IPs, restarting greylisting each time.',
    ],
    marketerSteps: [
      'Wait: the queue retries by itself.',
      'If one provider defers everything for hours, reduce volume to it.',
      'Check complaint rates and list hygiene.',
      'Warm up new IPs slowly.',
      'Ask your provider if deferrals persist.',
    ],
    developerSteps: [
      'Retry with standard backoff; do not rotate IPs between retries (it resets greylisting).',
      'Lower concurrency and rate to the deferring domain.',
      'Log the text to tell greylisting from throttling.',
      'Treat deferrals as soft.',
      'Alert on sustained deferral rates.',
    ],
    investigation: [
      'Read the text: "greylisted", "try again later", "rate limited".',
      'Check the retry history: does the second attempt pass?',
      'Check sending volume and concurrency to the domain.',
      'Check block lists for the IP.',
      'Compare with other providers.',
    ],
    examples: [
      '450 4.7.1 <user@example.com>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/example.com.html',
      '451 4.7.1 Please try again later',
    ],
    providerResponses: [
      { provider: 'Postgrey', text: '450 4.7.1 Recipient address rejected: Greylisted' },
      { provider: 'Gmail', text: '421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.' },
      { provider: 'Yahoo', text: '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints' },
    ],
    bestPractices: AUTH_PRACTICES,
    contrast: '5.7.1 is the permanent form: the receiver refuses instead of deferring.',
  },
  '5.7.0': {
    category: 'policy',
    meaning: 'A permanent security or policy refusal without a precise reason. Providers use 5.7.0 for reputation blocks, authentication '
      + 'requirements and TLS policies; the text names the actual rule.',
    causes: BLOCK_CAUSES,
    marketerSteps: [
      'Read the text and any policy link.',
      'Check your IP and domain reputation.',
      'Check authentication (SPF, DKIM, DMARC).',
      'Pause sending to the provider until fixed.',
      'Contact the provider postmaster if the reason is unclear.',
    ],
    developerSteps: [
      'Classify by text; default to soft (policy) for the recipient.',
      'Check TLS: some receivers require it.',
      'Check AUTH on submission servers (5.7.0 "Authentication required").',
      'Log the reply and remote host.',
      'Alert on spikes per domain.',
    ],
    investigation: [
      'Read the full text.',
      'Test authentication results with a test message.',
      'Check block lists.',
      'Check TLS negotiation in the session log.',
      'Compare providers.',
    ],
    examples: [
      '550 5.7.0 Message rejected due to policy',
      '530 5.7.0 Must issue a STARTTLS command first',
    ],
    providerResponses: [
      { provider: 'Gmail', text: '530 5.7.0 Must issue a STARTTLS command first.' },
      { provider: 'Generic', text: '554 5.7.0 Reject, id=... - spam' },
      { provider: 'Proofpoint', text: '550 5.7.0 Local Policy Violation' },
    ],
    bestPractices: AUTH_PRACTICES,
    contrast: '4.7.0 is a temporary policy deferral (throttling, TLS hiccup); 5.7.0 a lasting refusal.',
  },
  '5.7.9': {
    category: 'authentication',
    meaning: 'The authentication mechanism the client chose in SMTP AUTH is too weak for the server. Typical today: providers that turned off '
      + 'basic (password) authentication and require OAuth or app passwords, or plain-text login without TLS. This is about your sending account, '
      + 'not the recipient.',
    causes: [
      'PLAIN or LOGIN authentication over a connection without TLS.',
      'The provider disabled basic authentication (password login) for SMTP.',
      'The account requires OAuth 2.0 (XOAUTH2).',
      'The account has two-factor authentication and needs an app password.',
      'An old client that only offers CRAM-MD5 or similar.',
      'A security policy raised the minimum mechanism.',
    ],
    marketerSteps: [
      'Tell whoever runs the sending tool: the account configuration needs updating.',
      'Do not change recipient lists.',
      'Pause automated sends until authentication works.',
      'Check the provider announcements about authentication changes.',
      'Test with a single message after the change.',
    ],
    developerSteps: [
      'Enable TLS (STARTTLS on 587 or implicit TLS on 465) before AUTH.',
      'Switch to OAuth 2.0 or an app password as the provider requires.',
      'Check the mechanisms listed in the EHLO reply after TLS.',
      'Update the mail library if it lacks XOAUTH2.',
      'Exclude 5.7.9 from recipient bounce handling.',
    ],
    investigation: [
      'Capture the SMTP session to see the AUTH mechanism used.',
      'Check whether STARTTLS was negotiated first.',
      "Read the provider's documentation on SMTP AUTH.",
      'Check the account security settings (2FA, app passwords).',
      'Test with a known-good client.',
    ],
    examples: [
      '534 5.7.9 Application-specific password required.',
      '535 5.7.9 Authentication mechanism is too weak',
    ],
    providerResponses: [
      { provider: 'Gmail', text: '534-5.7.9 Application-specific password required.' },
      { provider: 'Microsoft 365', text: '535 5.7.139 Authentication unsuccessful, basic authentication is disabled.' },
      { provider: 'Generic', text: '534 5.7.9 Authentication mechanism is too weak' },
    ],
    bestPractices: [
      'Always use TLS for SMTP submission.',
      'Prefer OAuth 2.0 where the provider supports it.',
      'Use app passwords instead of account passwords when OAuth is unavailable.',
      'Watch provider announcements about authentication changes.',
      'Monitor submission errors separately from recipient bounces.',
      'Keep mail libraries up to date.',
    ],
    contrast: '4.7.9 is rare; a too-weak mechanism does not become acceptable by waiting.',
  },
  '5.7.26': {
    category: 'authentication',
    meaning: 'Several authentication checks failed (RFC 7372). Gmail sends 5.7.26 when a message is unauthenticated: neither SPF nor DKIM passes, '
      + "or the From domain's DMARC policy fails. Since 2024 Gmail and Yahoo also require SPF, DKIM and DMARC together from bulk senders. "
      + 'The fix is on the sending domain, not the recipient list.',
    causes: [
      'No DKIM signature, or one that fails verification.',
      'The sending IP is not in the SPF record of the envelope sender domain.',
      'DMARC fails: neither SPF nor DKIM aligns with the From domain.',
      'A third-party platform sends as your domain without your DKIM key.',
      'Forwarding broke SPF and a mailing list footer broke DKIM.',
      'A DMARC policy of reject or quarantine on the From domain.',
      'The SPF record exceeds the 10-lookup limit (permerror).',
      'A DNS change removed or altered the DKIM public key.',
      'Bulk sending without a DMARC record at all.',
    ],
    marketerSteps: [
      'Stop the campaign to the affected provider until authentication passes.',
      'Ask the sending platform to sign with DKIM for your domain.',
      'Check that your SPF record includes the platform.',
      'Publish a DMARC record (start with p=none and reports).',
      'Send a test to a Gmail mailbox and check "Show original": SPF, DKIM and DMARC must say PASS.',
    ],
    developerSteps: [
      'Sign with DKIM using d= equal to the From domain (or its parent).',
      'Make the envelope sender domain align with From, or rely on aligned DKIM.',
      'Fix SPF lookups and syntax.',
      'Parse DMARC aggregate reports to find failing sources.',
      'Keep 5.7.26 out of recipient suppression: it is a sender problem.',
    ],
    investigation: [
      'Read Authentication-Results in a test message delivered to the same provider.',
      'Query the SPF, DKIM (selector._domainkey) and DMARC (_dmarc) records.',
      'Check which IP sent the failing message and whether SPF covers it.',
      'Read DMARC aggregate reports for the sending source.',
      'Check whether the message passed through a forwarder or list.',
    ],
    examples: [
      '550-5.7.26 This mail has been blocked because the sender is unauthenticated.',
      '550 5.7.26 Unauthenticated email from example.com is not accepted due to domain\'s DMARC policy.',
    ],
    providerResponses: [
      { provider: 'Gmail', text: '550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.' },
      { provider: 'Gmail (DMARC)', text: "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy." },
      { provider: 'Generic', text: '550 5.7.26 Multiple authentication checks failed' },
    ],
    bestPractices: AUTH_PRACTICES,
    contrast: '4.7.26 is the deferral form: Gmail or Microsoft hold the message while authentication fails and may accept a later, authenticated one. '
      + '5.7.26 is a rejection.',
  },
  '4.7.26': {
    category: 'authentication',
    meaning: 'A temporary refusal because the message is not authenticated. Gmail defers with 4.7.26 when a message passes neither SPF nor DKIM; '
      + 'Exchange Online says "must pass either SPF or DKIM validation, this message is not signed". Retrying the same unauthenticated message '
      + 'rarely helps: fix the authentication.',
    causes: [
      'No DKIM signature on the message.',
      'The sending IP is not in the SPF record.',
      'A new sending service added without DNS changes.',
      'DKIM key rotated without publishing the new public key.',
      'SPF temperror because of slow DNS.',
      'A relay that rewrites the envelope sender.',
      'Sending as a domain you do not control.',
      'Forwarded mail without ARC.',
    ],
    marketerSteps: [
      'Check with the sending platform whether DKIM is enabled for your domain.',
      'Hold campaigns to the provider until a test passes.',
      'Check SPF covers the platform.',
      'Publish DMARC.',
      'Watch for the final bounce (5.7.26) if nothing changes.',
    ],
    developerSteps: [
      'Enable DKIM signing for every outgoing stream.',
      'Add the sending IPs to SPF.',
      'Verify DNS records after every key rotation.',
      'Log authentication results from test messages in CI.',
      'Treat as soft for recipients.',
    ],
    investigation: [
      'Check Authentication-Results on a test message.',
      'Query the SPF and DKIM records.',
      'Find which IP sent the deferred message.',
      'Check DMARC reports.',
      'Compare streams that pass with those that fail.',
    ],
    examples: [
      '421-4.7.26 This mail has been rate limited because it is unauthenticated.',
      '451 4.7.26 Access denied, must pass either SPF or DKIM validation, this message is not signed',
    ],
    providerResponses: [
      { provider: 'Gmail', text: '421-4.7.26 This mail has been rate limited because it is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.' },
      { provider: 'Microsoft 365', text: '451 4.7.26 must pass either SPF or DKIM validation, this message is not signed' },
      { provider: 'Generic', text: '451 4.7.26 Multiple authentication checks failed' },
    ],
    bestPractices: AUTH_PRACTICES,
    contrast: '5.7.26 is the rejection form of the same unauthenticated condition.',
  },
  '5.7.25': {
    category: 'authentication',
    meaning: 'Reverse DNS validation failed: the connecting IP has no PTR record, or the PTR name does not resolve back to the same IP '
      + '(forward-confirmed reverse DNS). Many providers refuse such mail outright. The fix is a DNS change by whoever owns the IP.',
    causes: [
      'No PTR record for the sending IP.',
      'A generic PTR name (ip-192-0-2-1.provider.net) that the receiver rejects.',
      'The PTR name has no A/AAAA record, or points elsewhere.',
      'Sending over IPv6 from an address without reverse DNS.',
      'A new IP from a cloud provider with default reverse DNS.',
      'DNS delegation of the reverse zone is broken.',
    ],
    marketerSteps: [
      'Tell whoever runs the mail servers: the IP needs reverse DNS.',
      'Pause sending from that IP.',
      'Do not touch the recipient list.',
      'Ask the sending provider if you use a shared service.',
      'Resend after the fix.',
    ],
    developerSteps: [
      'Set a PTR record for every sending IP (via the hosting provider).',
      'Make the PTR name resolve back to the IP (A or AAAA).',
      'Use the PTR name as HELO name.',
      'Disable IPv6 sending until it has reverse DNS.',
      'Add a reverse-DNS check to server provisioning.',
    ],
    investigation: [
      'Look up the PTR of the sending IP (dig -x).',
      'Resolve the PTR name back and compare.',
      'Check whether mail went out over IPv6.',
      'Check the HELO name used.',
      'Read the reply text for the IP it saw.',
    ],
    examples: [
      '550 5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR record setup.',
      '450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.1]',
    ],
    providerResponses: [
      { provider: 'Gmail', text: '550-5.7.25 The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.' },
      { provider: 'Postfix', text: '450 4.7.25 Client host rejected: cannot find your hostname' },
      { provider: 'Generic', text: '550 5.7.25 Reverse DNS validation failed' },
    ],
    bestPractices: AUTH_PRACTICES,
    contrast: '4.7.25 (Postfix reject_unknown_client_hostname with a temporary DNS failure) is retried; 5.7.25 is final until reverse DNS is fixed.',
  },
  '5.7.23': {
    category: 'authentication',
    meaning: 'SPF validation failed (RFC 7208): the IP that sent the message is not allowed by the SPF record of the envelope sender '
      + '(MAIL FROM) domain, and the record ends in "-all" or the receiver rejects on softfail. The recipient is fine; the sending '
      + 'domain\'s DNS or the sending path is wrong.',
    causes: [
      'A new sending service (CRM, helpdesk, newsletter tool) not added to SPF.',
      'The message was forwarded, so it arrives from the forwarder\'s IP.',
      'An outbound IP changed at the hosting provider.',
      'The SPF record lists the service under the wrong domain (From instead of Return-Path).',
      'Too many includes: the record breaks the 10-lookup limit and stops evaluating.',
      'Sending over IPv6 while SPF lists only IPv4 addresses.',
      'A typo in an ip4: or include: mechanism.',
      'Someone spoofing your domain (a legitimate rejection).',
    ],
    marketerSteps: [
      'Tell whoever manages DNS which service sent the failing message.',
      'Pause sends from that service to strict receivers until fixed.',
      'Do not touch the recipient list.',
      'Ask the service for its SPF include value.',
      'Retest with a message to a mailbox you control.',
    ],
    developerSteps: [
      'Add the sending IPs or the provider\'s include: to the SPF record of the envelope sender domain.',
      'Keep the record under 10 DNS lookups.',
      'Add ip6: ranges if you send over IPv6.',
      'Rely on aligned DKIM for forwarded mail, where SPF cannot pass.',
      'Keep 5.7.23 out of recipient suppression.',
    ],
    investigation: [
      'Read Received-SPF or Authentication-Results in a test message.',
      'Query the TXT record of the envelope sender domain.',
      'Find the connecting IP in the bounce or the log.',
      'Evaluate the record with an SPF checker against that IP.',
      'Check whether the message was forwarded.',
    ],
    examples: [
      '550 5.7.23 The message was rejected because of Sender Policy Framework violation',
      '550 5.7.23 SPF validation failed',
    ],
    providerResponses: [
      { provider: 'Generic', text: '550 5.7.23 SPF validation failed' },
      { provider: 'Postfix policyd-spf', text: '550 5.7.23 Message rejected due to: SPF fail - not authorized' },
      { provider: 'Generic (registry text with the domain and IP)', text: '550 5.7.23 SPF validation failed for example.com from 192.0.2.1' },
    ],
    bestPractices: AUTH_PRACTICES,
    contrast: '4.7.23 is rare; an SPF fail is a property of the DNS record, so waiting does not help. A temporary SPF problem is 4.7.24.',
  },
  '5.7.27': {
    category: 'policy',
    meaning: 'The envelope sender domain publishes a null MX (RFC 7505), declaring that it receives no mail. A domain that cannot receive '
      + 'replies or bounces should not send, so the receiver refuses. The recipient is fine; the sending configuration is not.',
    causes: [
      'The application sends with a Return-Path at a "no mail" domain.',
      'A subdomain set up for sending only was given a null MX.',
      'A copy-pasted DNS template added "MX 0 ." to the wrong domain.',
      'A brand domain that stopped receiving mail is still used as sender.',
      'A spoofed sender using a domain with null MX.',
      'A misconfigured noreply@ domain.',
    ],
    marketerSteps: [
      'Tell the people who run the sending platform: the sender domain is refused.',
      'Use a sender domain that can receive replies.',
      'Pause sends from the affected domain.',
      'Keep the recipient list as is.',
      'Resend after a successful test.',
    ],
    developerSteps: [
      'Point the envelope sender (Return-Path) at a domain with real MX records.',
      'Remove the null MX if the domain must receive bounces.',
      'Check DNS templates for null MX on sending domains.',
      'Exclude 5.7.27 from recipient suppression.',
      'Add a DNS check of sender domains to deployment tests.',
    ],
    investigation: [
      'Query the MX records of the envelope sender domain (a single "0 ." is a null MX).',
      'Read the Return-Path header of a sent message.',
      'Check whether every recipient fails the same way.',
      'Check recent DNS changes of the sending domain.',
      'Test with another envelope sender domain.',
    ],
    examples: [
      '550 5.7.27 Sender address has null MX',
      '553 5.7.27 <noreply@example.com>: Sender domain does not accept mail (nullMX)',
    ],
    providerResponses: [
      { provider: 'Generic', text: '550 5.7.27 Sender address has null MX' },
      { provider: 'Postfix', text: '553 5.7.27 Sender address rejected: Domain example.com does not accept mail (nullMX)' },
      { provider: 'Generic (with the domain named)', text: '550 5.7.27 Sender domain example.com has null MX' },
    ],
    bestPractices: AUTH_PRACTICES,
    contrast: '4.7.27 is not expected: a null MX is a lasting DNS declaration.',
  },
};
