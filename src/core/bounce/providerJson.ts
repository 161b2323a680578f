// Bounce notifications that providers send as JSON (Amazon SES, directly or inside an SNS envelope): the bounced
// recipients are read from the fields that list them, never from the sender (`mail.source`), ARNs or headers.
import { normalizeAddress } from './address';
import { enhancedCodeIn, replyCodeIn } from './classify';
import type { BounceEvent } from './types';

interface JsonRecipient { emailAddress?: unknown; status?: unknown; diagnosticCode?: unknown; action?: unknown }

interface Notification {
  readonly type: string;
  readonly bounceType?: string;
  readonly recipients: JsonRecipient[];
  readonly reportingMta?: string;
  readonly timestamp?: string;
}

type Base = Pick<BounceEvent, 'file' | 'line' | 'messageId'>;

/** The notification object of a body: the JSON itself, or the SNS envelope's "Message" string parsed again. */
function parsedNotification(body: string): Record<string, unknown> | undefined {
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    const value = JSON.parse(body.slice(start, end + 1)) as Record<string, unknown>;
    return typeof value.Message === 'string' ? parsedNotification(value.Message) : value;
  } catch {
    return undefined;
  }
}

const BOUNCED_RECIPIENTS = /"bouncedRecipients"\s*:\s*\[/;

/** Field by field, for bodies that a mail gateway wrapped or cut so that they no longer parse as a whole. */
function scannedNotification(body: string): Notification | undefined {
  // Inside an SNS envelope the notification is a string: its quotes are escaped.
  const text = body.replace(/\\"/g, '"');
  const field = (name: string) => new RegExp(`"${name}"\\s*:\\s*"([^"]*)"`).exec(text)?.[1];
  const type = field('notificationType') ?? field('eventType');
  if (!type) return undefined;
  // The list up to its first "]", found in two steps: as one pattern, each opening without a "]" after it was
  // scanned to the end, once per opening.
  const opening = BOUNCED_RECIPIENTS.exec(text);
  const start = opening ? opening.index + opening[0].length : -1;
  const close = opening ? text.indexOf(']', start) : -1;
  const listed = close < 0 ? '' : text.slice(start, close);
  const recipients = [...listed.matchAll(/\{[^{}]*\}/g)].map((block) => {
    const value = (name: string) => new RegExp(`"${name}"\\s*:\\s*"([^"]*)"`).exec(block[0])?.[1];
    return { emailAddress: value('emailAddress'), status: value('status'), diagnosticCode: value('diagnosticCode'), action: value('action') };
  });
  return { type, bounceType: field('bounceType'), recipients, reportingMta: field('reportingMTA'), timestamp: field('timestamp') };
}

function notificationOf(body: string): Notification | undefined {
  const parsed = parsedNotification(body);
  const bounce = parsed?.bounce as Record<string, unknown> | undefined;
  const type = parsed?.notificationType ?? parsed?.eventType;
  if (typeof type !== 'string') return scannedNotification(body);
  return {
    type,
    bounceType: typeof bounce?.bounceType === 'string' ? bounce.bounceType : undefined,
    recipients: Array.isArray(bounce?.bouncedRecipients) ? bounce.bouncedRecipients as JsonRecipient[] : [],
    reportingMta: typeof bounce?.reportingMTA === 'string' ? bounce.reportingMTA : undefined,
    timestamp: typeof bounce?.timestamp === 'string' ? bounce.timestamp : undefined,
  };
}

/**
 * The events of a JSON bounce notification; undefined when the body is no such notification, and an empty list
 * when it is one that reports no bounce (a complaint or a delivery).
 */
export function providerJsonEvents(body: string, base: Base, date?: string): BounceEvent[] | undefined {
  if (!/notificationType|eventType/.test(body)) return undefined;
  const notification = notificationOf(body);
  if (!notification) return undefined;
  if (notification.type !== 'Bounce') return [];
  // "Transient" (and "Undetermined") bounces are retried by the provider or say nothing definite.
  const outcome = notification.bounceType === 'Permanent' ? 'failed' as const : 'deferred' as const;
  return notification.recipients.flatMap((recipient) => {
    const address = typeof recipient.emailAddress === 'string' ? normalizeAddress(recipient.emailAddress) : undefined;
    if (!address) return [];
    const diagnostic = typeof recipient.diagnosticCode === 'string' ? recipient.diagnosticCode.replace(/^smtp;\s*/i, '') : '';
    const status = (typeof recipient.status === 'string' ? enhancedCodeIn(recipient.status) : undefined) ?? enhancedCodeIn(diagnostic);
    return [{
      address, outcome, status, reply: replyCodeIn(diagnostic, true), diagnostic, file: base.file, line: base.line, messageId: base.messageId,
      remoteMta: notification.reportingMta?.replace(/^(?:dns|dsn);\s*/i, ''), date: notification.timestamp ?? date,
      format: 'amazon-ses', source: 'json' as const,
    }];
  });
}
