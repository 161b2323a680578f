// Full-depth entries for X.2.x (Mailbox Status).
import type { DeepEntry } from '../notes';

const FULL_CAUSES = [
  'The owner no longer reads the mailbox, so it fills up and stays full.',
  'The owner is away and mail accumulates.',
  'A small quota (free accounts, old corporate plans).',
  'Large attachments received recently.',
  'The incoming message itself is big enough to exceed the remaining space.',
  'A forwarding rule failed and mail piles up.',
  'The provider counts all folders (including trash and spam) towards the quota.',
  'The mailbox is abandoned: a sign the address is dying.',
];

const FULL_PRACTICES = [
  'Treat mailbox-full as soft: retry, do not suppress at once.',
  'Suppress after repeated full-mailbox bounces over two to four weeks: such mailboxes are usually abandoned.',
  'Keep messages small so they fit into nearly full mailboxes.',
  'Watch engagement: a full mailbox rarely opens mail.',
  'Document the threshold you use (for example 3 bounces in 30 days).',
  'Do not resend manually; let the queue and the next campaign retry.',
];

export const MAILBOX_DEEP: Readonly<Record<string, DeepEntry>> = {
  '5.2.2': {
    meaning: "The recipient's mailbox is over its storage quota, and the server refused the message. The class says permanent, but the "
      + 'condition often clears when the owner deletes mail, which is why most senders (and our default policy) treat 5.2.2 as a soft bounce '
      + 'and suppress only after repeated failures.',
    causes: FULL_CAUSES,
    marketerSteps: [
      'Keep the address for now; it may work again once space is freed.',
      'Suppress it if it keeps bouncing as full across several sends over a few weeks.',
      'Check the address engagement: long-silent full mailboxes are abandoned.',
      'Keep messages light so they fit.',
      'Reach important recipients another way if it persists.',
    ],
    developerSteps: [
      'Classify 5.2.2 as soft (configurable with smtpDiagnostics.bounce.softCodes).',
      'Count full-mailbox bounces per address with timestamps.',
      'Suppress after a documented threshold (for example 3 in 30 days).',
      'Store the reply text: some providers say "over quota" with other codes (552, 452).',
      'Reset the counter after a successful delivery.',
    ],
    investigation: [
      'Count how often the address bounced as full and over which period.',
      'Check the last open or click from the address.',
      'Read the text for the quota or message size.',
      'Check whether the message was unusually big.',
      'Compare with other recipients at the same provider.',
    ],
    examples: [
      '552 5.2.2 <user@example.com>: Mailbox full',
      "552-5.2.2 The email account that you tried to reach is over quota.",
    ],
    providerResponses: [
      { provider: 'Gmail', text: "552-5.2.2 The email account that you tried to reach is over quota and inactive." },
      { provider: 'Exchange', text: '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException' },
      { provider: 'Postfix local delivery', text: 'status=bounced (cannot update mailbox /var/mail/user for user user. error writing message: Disk quota exceeded)' },
      { provider: 'Dovecot LMTP', text: '552 5.2.2 <user@example.com> Quota exceeded (mailbox for user is full)' },
    ],
    bestPractices: FULL_PRACTICES,
    contrast: '4.2.2 reports the same full mailbox as temporary: the sending queue keeps retrying and delivers once space is free. '
      + '5.2.2 is a refusal now, but since the mailbox can still be emptied, it is soft by our default policy.',
  },
  '4.2.2': {
    meaning: "The recipient's mailbox is over quota right now. The receiver asks the sender to retry, and the sending queue does so until "
      + 'space is freed or the queue lifetime runs out (then it bounces, often as 5.2.2 or 5.4.7).',
    causes: FULL_CAUSES,
    marketerSteps: [
      'Nothing to do at first: the queue retries.',
      'If the final result is a bounce, treat it as a soft bounce.',
      'Watch addresses that are full in every campaign.',
      'Keep messages small.',
      'Reach important recipients another way if the delay matters.',
    ],
    developerSteps: [
      'Let the MTA retry with backoff.',
      'Record deferrals per address for the soft-bounce counter.',
      'Do not suppress on a deferral alone.',
      'Alert if one provider defers many addresses as full (it may be a misreported block).',
      'Use the final DSN, not the deferral, for suppression decisions.',
    ],
    investigation: [
      'Check how long the message has been deferred.',
      'Look at the queue for other messages to the same address.',
      'Read the text for quota details.',
      'Check whether the address bounced as full before.',
      'Check engagement history.',
    ],
    examples: [
      '452 4.2.2 <user@example.com>: Mailbox full',
      '452-4.2.2 The email account that you tried to reach is over quota.',
    ],
    providerResponses: [
      { provider: 'Gmail', text: '452-4.2.2 The email account that you tried to reach is over quota.' },
      { provider: 'Dovecot LMTP', text: '452 4.2.2 Quota exceeded (mailbox for user is full)' },
      { provider: 'Exchange', text: '452 4.2.2 Mailbox full' },
    ],
    bestPractices: FULL_PRACTICES,
    contrast: '5.2.2 is the permanent form: the receiver refuses instead of deferring. Both describe a full mailbox, and both are soft by default.',
  },
  '5.2.1': {
    category: 'mailbox-disabled',
    meaning: 'The mailbox exists but is disabled and does not accept messages. Providers use it for suspended, locked or long-inactive '
      + 'accounts. It is usually the end of the address, so it is a hard bounce.',
    causes: [
      'The provider disabled the account after long inactivity.',
      'The owner closed the account.',
      'An administrator suspended the account (unpaid, policy violation).',
      'A company disabled the mailbox of someone who left, before deleting it.',
      'A security lock after the account was compromised.',
      'A shared mailbox converted to a state that refuses external mail.',
      'Yahoo and AOL report disabled accounts this way.',
      'A mailbox set to refuse mail from outside the organisation.',
    ],
    marketerSteps: [
      'Remove the address.',
      'Reach the person another way for a new address.',
      'Look at how long the address has been inactive.',
      'Clean long-inactive addresses before they get disabled.',
      'Track how many disabled mailboxes come from each list source.',
    ],
    developerSteps: [
      'Classify 5.2.1 as hard.',
      'Suppress on the first occurrence (or after 2 for cautious senders).',
      'Store the text: "disabled", "inactive", "suspended".',
      'Run sunset policies for unengaged addresses.',
      'Keep suppression shared across systems.',
    ],
    investigation: [
      'Read the text for the account state.',
      'Check the last engagement of the address.',
      'Check other addresses at the same provider.',
      'Check whether the code came at RCPT TO or after DATA.',
      'Compare with earlier bounces for the address.',
    ],
    examples: [
      '550 5.2.1 <user@example.com>: Mailbox disabled, not accepting messages',
      '554 5.2.1 This mailbox is disabled',
    ],
    providerResponses: [
      { provider: 'Yahoo', text: '554 5.2.1 This mailbox is disabled (554.30)' },
      { provider: 'Gmail', text: '550-5.2.1 The email account that you tried to reach is disabled.' },
      { provider: 'Exchange', text: '550 5.2.1 Mailbox cannot be accessed' },
    ],
    bestPractices: [
      'Suppress disabled mailboxes.',
      'Sunset unengaged addresses before providers disable them.',
      'Use confirmed opt-in.',
      'Keep the hard-bounce rate below about 2%.',
      'Share suppression lists between systems.',
      'Review list sources with many disabled mailboxes.',
    ],
    contrast: '4.2.1 means the mailbox is locked only for a while (a migration, a temporary hold) and the queue retries; 5.2.1 is a lasting disablement.',
  },
  '5.2.0': {
    category: 'mailbox-disabled',
    meaning: 'A permanent mailbox problem with no precise reason. Servers use 5.2.0 for unknown, disabled or restricted mailboxes alike, '
      + 'so the text after the code decides the bounce reason.',
    causes: [
      'An unknown user reported with the generic mailbox code.',
      'A disabled or suspended mailbox.',
      'A mailbox that refuses this sender by rule.',
      'A mailbox full condition reported generically.',
      'A mailbox under legal hold or migration that refuses mail.',
      'A server that maps most mailbox errors to X.2.0.',
      'A per-mailbox size or message limit.',
      'A broken forward on the mailbox.',
    ],
    marketerSteps: [
      'Read the text: "unknown" or "disabled" means remove the address.',
      'For quota or limits, keep the address and retry later.',
      'Check the engagement history of the address.',
      'Look for patterns by provider.',
      'Confirm important addresses another way.',
    ],
    developerSteps: [
      'Classify by the text when the detail is 0.',
      'Default to hard, with a soft exception for quota wording.',
      'Store the full reply text.',
      'Apply a threshold before suppressing when the text is unclear.',
      'Report 5.2.0 counts per receiving domain.',
    ],
    investigation: [
      'Read the full reply text.',
      'Check whether the address bounced before with a more precise code.',
      'Compare with other recipients at the same domain.',
      'Check which server (Remote-MTA) replied.',
      'Look at the time of the last successful delivery.',
    ],
    examples: [
      '550 5.2.0 <user@example.com>: mailbox unavailable',
      '550 5.2.0 Mailbox unavailable. Your request action was not taken.',
    ],
    providerResponses: [
      { provider: 'Generic', text: '550 5.2.0 Mailbox unavailable' },
      { provider: 'Exchange', text: '554 5.2.0 STOREDRV.Deliver.Exception' },
      { provider: 'Postfix virtual', text: '550 5.2.0 <user@example.com>: Recipient address rejected: mailbox unavailable' },
    ],
    bestPractices: [
      'Never classify vague codes by the number alone.',
      'Keep the text of every bounce.',
      'Suppress after confirmation or repetition.',
      'Use confirmed opt-in.',
      'Review vague bounces per domain.',
      'Sunset inactive addresses.',
    ],
    contrast: '4.2.0 reports a temporary mailbox problem (locked, busy); 5.2.0 is final for this attempt.',
  },
};
