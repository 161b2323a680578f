// Full-depth entries for X.3.x (Mail System Status). 5.3.2 carries every fact of the reference text
// (../shared/seed/smtp-5.3.2.txt), rewritten in our own words; test/unit/knowledgeSeed.test.ts walks them.
import type { DeepEntry } from '../notes';

export const SYSTEM_DEEP: Readonly<Record<string, DeepEntry>> = {
  '5.3.2': {
    category: 'technical',
    meaning: 'The receiving mail server refuses network mail as a lasting condition, not a passing one. Something in how '
      + 'that server is set up or run keeps it from taking any incoming message, so the failure is permanent: a hard bounce. '
      + 'Unlike 4.3.2, which reports the same refusal as temporary, 5.3.2 tells you the server does not expect to start accepting again.',
    actionRequired: 'Take the address off your active list, or reach the recipient another way to confirm where they now receive mail.',
    causes: [
      'Shut down for good: the mail server was switched off permanently or retired.',
      'Broken setup: a lasting misconfiguration on the server blocks every incoming message.',
      'Mail turned off: the email service on that host was deactivated and stays off.',
      'Network set-up faults: a lasting network configuration problem stops messages from reaching the service.',
      'Firewall rules: a permanent rule drops or refuses inbound SMTP connections.',
      'Abandoned systems: nobody runs or maintains the mail infrastructure any more.',
      'Policy: a standing rule on the receiving side says the system takes no messages.',
      'Migration: mail moved to a new platform, and the previous host stopped taking messages.',
      'Decommissioning under way: the host is being retired and already turns away new connections.',
      'Severe failure: a critical fault on the system has disabled mail acceptance for good.',
    ],
    marketerSteps: [
      'Take the address off your active mailing list straight away.',
      "Where you can, reach the recipient through another channel (phone, web form, social) and ask whether their mail server still works.",
      'Keep a record of the domains hit by this permanent refusal.',
      'Now and then, check whether the domain has recovered, while expecting that it will not.',
      'Send important messages through a different contact channel instead of email.',
    ],
    developerSteps: [
      'Delete or deactivate the address in the sending database as soon as the bounce arrives.',
      'Automate bounce processing so a 5.3.2 result takes the address out of future sends without manual work.',
      'Log which receiving servers return 5.3.2, so recurring patterns by host or domain become visible.',
      'Put the address on a suppression list that every sending path consults before it sends.',
      'Schedule a periodic re-check of domains that produced 5.3.2 to see whether their mail service came back.',
    ],
    investigation: [
      'Confirm whether the domain and its mail server are still alive (registration, DNS, website).',
      'Open an SMTP connection to the server (port 25) and see whether it answers at all.',
      'Look up the MX records: do they still exist, and do they point at servers that are running?',
      "If you can, get in touch with the recipient organisation's IT team.",
      'Note whether several addresses at the same domain fail this way; a pattern points at the server, not the person.',
    ],
    examples: [
      '550 5.3.2 System not accepting network messages',
      '550 5.3.2 <someone@example.com>: System not accepting network messages - service disabled',
    ],
    providerResponses: [
      { provider: 'Generic', text: '550 5.3.2 System not accepting network messages' },
      { provider: 'Service disabled', text: 'Mail service permanently disabled' },
      { provider: 'System error', text: 'System permanently unavailable' },
      { provider: 'Enterprise', text: 'Mail server permanently not accepting connections' },
    ],
    bestPractices: [
      'Do not retry: addresses that returned 5.3.2 keep failing.',
      'Remove such addresses from the list as soon as the bounce is processed.',
      'Keep suppression lists so nothing is sent again to systems that are permanently closed.',
      'Keep an eye on the health of domains whose mail systems fail permanently.',
      'Use other channels to contact those recipients when you still need to reach them.',
      'Keep records of the domains with permanent acceptance problems.',
      'Look up the MX records of affected domains to understand what state their servers are in.',
      'Review the affected domains from time to time, without expecting permanent failures to clear.',
    ],
    contrast: '4.3.2 is the temporary form: the server is not taking messages right now (maintenance, overload, shutdown '
      + 'in progress) and the queue retries. 5.3.2 reports the condition as persistent: retries will not help, so the address '
      + 'is treated as a hard bounce.',
  },
  '5.3.0': {
    meaning: 'A permanent failure blamed on the receiving mail system, with no precise reason. Servers use 5.3.0 as a catch-all: '
      + 'the text after it may describe an unknown user, a content filter, a relay refusal or a broken system, so classify by the text.',
    causes: [
      'An unknown recipient on a server that does not map it to 5.1.1.',
      'A content filter or milter that rejects with a generic code.',
      'A receiving system fault that the software cannot name.',
      'Relay refusal reported generically by an older MTA.',
      'A mailbox-level problem (full, disabled) reported at system level.',
      'A policy script on the receiver with its own wording.',
      'A gateway in front of the real mail server that lost the original reason.',
      'A misconfigured transport or alias table.',
    ],
    marketerSteps: [
      'Read the text after the code to see what was really refused.',
      'If it says the user is unknown, remove the address.',
      'If it names a filter or policy, review the message content and sending reputation.',
      'Group 5.3.0 bounces by domain to see whether one receiver is responsible.',
      'Ask the recipient by another channel if an important address keeps failing.',
    ],
    developerSteps: [
      'Parse the free text as well as the code when classifying 5.3.0.',
      'Keep the full Diagnostic-Code in bounce records for later review.',
      'Apply a soft-bounce threshold when the text gives no clear reason.',
      'Report the receiving host (remote MTA) with each bounce to spot system-wide faults.',
      'Alert when one domain produces many 5.3.0 bounces at once.',
    ],
    investigation: [
      'Read the full reply text and the Remote-MTA of the bounce.',
      'Check whether other recipients at the same domain fail the same way.',
      'Look up the MX records and test the receiving host.',
      'Compare with earlier successful deliveries to the same domain.',
      'Contact the receiving postmaster with the exact reply if the cause stays unclear.',
    ],
    examples: [
      '554 5.3.0 Error: transport unavailable',
      '550 5.3.0 <user@example.org>... Unknown user',
    ],
    providerResponses: [
      { provider: 'Sendmail', text: '5.3.0 ... Unknown user' },
      { provider: 'Postfix content filter', text: '5.3.0 Error: content rejected' },
      { provider: 'Generic', text: '554 5.3.0 Mail system error' },
    ],
    bestPractices: [
      'Never classify by the code alone when the detail is 0.',
      'Store the full reply text with every bounce.',
      'Use a documented threshold for vague permanent failures.',
      'Review vague bounces by domain each week.',
      'Keep content and authentication clean so filters have no reason to refuse.',
      'Suppress only when the text confirms a bad address.',
    ],
  },
  '4.3.0': {
    meaning: 'A temporary failure in the receiving mail system, without a precise reason: a lookup timed out, a filter was not '
      + 'available, or the server ran short of resources. The sending queue retries, and most such deferrals clear within hours.',
    causes: [
      'A content scanner or milter on the receiving side was down or timed out.',
      'A directory or DNS lookup on the receiver failed temporarily.',
      'The receiving server ran short of memory, disk or processes.',
      'Greylisting reported with a generic code.',
      'Maintenance or a restart on the receiving side.',
      'A database behind the mailbox store was unavailable.',
      'Postfix "451 4.3.0 Error: queue file write error" on a full disk.',
      'Rate or concurrency limits reported generically.',
    ],
    marketerSteps: [
      'Do nothing at first: the queue retries by itself.',
      'Check whether the delay affects one domain or many.',
      'If one domain keeps deferring for a day, ask its postmaster or the recipient.',
      'Avoid resending manually, which only adds load and duplicates.',
      'Track how long deferrals last for important domains.',
    ],
    developerSteps: [
      'Make sure the MTA retries with backoff for its full queue lifetime.',
      'Log each deferral with the remote host and text.',
      'Alert on deferral rates per domain rather than per message.',
      'Lower concurrency towards a domain that keeps deferring.',
      'Treat the final expiry (5.4.7) as the bounce, not each deferral.',
    ],
    investigation: [
      'Read the text for the subsystem that failed (filter, queue, lookup).',
      'Check if the same error repeats at each retry or changes.',
      'Look at the queue for other messages to the same domain.',
      'Test the receiving host (MX) for slow greetings or timeouts.',
      'Check your own DNS resolver if many domains defer at once.',
    ],
    examples: [
      '451 4.3.0 Error: queue file write error',
      '451 4.3.0 Temporary system failure, please try again later',
    ],
    providerResponses: [
      { provider: 'Postfix', text: '451 4.3.0 Error: queue file write error' },
      { provider: 'Postfix lookup', text: '451 4.3.0 <user@example.com>: Temporary lookup failure' },
      { provider: 'Generic', text: '451 4.3.0 Temporary local problem - please try later' },
    ],
    bestPractices: [
      'Let the queue handle temporary failures.',
      'Keep a queue lifetime of several days for ordinary mail.',
      'Watch deferral rates by domain.',
      'Do not suppress on a 4.x.x code alone.',
      'Reduce concurrency when a receiver is struggling.',
      'Keep your own resolver and disk healthy: local faults look the same from outside.',
    ],
  },
  '5.3.4': {
    category: 'message-too-big',
    meaning: 'The message is larger than the receiving system accepts, whatever the mailbox. The address is fine; this message is not. '
      + 'Servers announce their limit with the SIZE keyword in the EHLO reply, and the size that counts is the encoded one: base64 '
      + 'attachments are about a third larger than the files.',
    causes: [
      'Attachments above the server limit (commonly 10, 25 or 50 MB).',
      'Base64 encoding making a file that looked small enough too big.',
      'Many inline images in an HTML newsletter.',
      'A forwarded message that embeds another large message.',
      'A receiving gateway with a lower limit than the mailbox server behind it.',
      'A message that grew when a relay added signatures or disclaimers.',
      'Uncompressed documents or images.',
      'A client that ignored the SIZE value announced in EHLO.',
    ],
    marketerSteps: [
      'Replace large attachments with download links.',
      'Compress images and documents before sending.',
      'Keep newsletters well under 1 MB.',
      'Keep the address: a smaller message will be delivered.',
      'Tell the recipient when a file must be shared another way.',
    ],
    developerSteps: [
      "Read the SIZE value from the receiver's EHLO reply and refuse oversized messages early.",
      'Compute the encoded size, not the raw file size, before sending.',
      'Offer links for files above a threshold.',
      'Do not count 5.3.4 towards hard-bounce suppression.',
      'Log the message size with size-related bounces.',
    ],
    investigation: [
      'Check the size of the message as sent (the encoded size).',
      'Connect to the MX and read the SIZE limit in the EHLO reply.',
      'Check whether smaller messages to the same address arrive.',
      'Look for relays that add content on the way.',
      'Compare with other domains that accepted the same message.',
    ],
    examples: [
      '552 5.3.4 Message size exceeds fixed maximum message size',
      '552 5.3.4 Error: message file too big',
    ],
    providerResponses: [
      { provider: 'Postfix', text: '552 5.3.4 Error: message file too big' },
      { provider: 'Gmail', text: '552 5.3.4 Your message exceeded Google\'s message size limits.' },
      { provider: 'Exchange', text: '552 5.3.4 Message size exceeds fixed maximum message size' },
    ],
    bestPractices: [
      'Share large files by link.',
      'Respect the SIZE limit advertised in EHLO.',
      'Keep marketing messages light.',
      'Never suppress an address for a size bounce.',
      'Test large transactional messages against common provider limits.',
      'Compress attachments.',
    ],
  },
};
