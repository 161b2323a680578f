// KumoMTA's log records: one JSON object per line (its log segments, once decompressed: `zstdcat`), with the record's
// type, the envelope recipient, the peer's response (code, enhanced code, text) and the time in seconds since 1970.
// Bounces and out-of-band bounces (a DSN that came back later) are failures, expirations the failures of messages
// that were deferred until they expired, deliveries close them, transient failures are deferrals. Receptions,
// complaints (Feedback) and bounces made by the operator (AdminBounce: no server said anything of the recipient) are
// claimed and passed. KumoMTA's own bounce_classification is not read: the decision table reads the response.
import { normalizeAddress } from '../address';
import { clipped } from '../detach';
import type { Outcome } from '../types';
import { LineSource, LogRecognizer, NOTHING, unixTimeText } from './recognizer';

const OUTCOME: Readonly<Record<string, Outcome | null>> = {
  Bounce: 'failed', OOB: 'failed', Expiration: 'failed', Delivery: 'delivered', TransientFailure: 'deferred',
  Reception: null, Feedback: null, AdminBounce: null,
};
/** What a line must hold to be tried as a record: cheap tests before JSON.parse. */
const RECORD_MARKS = ['"type"', '"recipient"'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const textOf = (value: unknown) => (typeof value === 'string' ? value : undefined);
/** A whole number of at most three digits: a reply code, or a part of an enhanced code. */
const isCodeNumber = (value: unknown) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 999;

/** A response's enhanced code ("5.1.1"), from its three fields. */
function enhancedCode(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const { class: codeClass, subject, detail } = value;
  return isCodeNumber(codeClass) && isCodeNumber(subject) && isCodeNumber(detail) && [2, 4, 5].includes(codeClass as number) ? `${codeClass}.${subject}.${detail}` : undefined;
}

/** The peer as other formats name a remote host: "name[address]", or either alone. */
function peerOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const name = textOf(value.name);
  const address = textOf(value.addr);
  return name && address ? `${name}[${address}]` : name || address || undefined;
}

/** The record a line holds, or undefined when it holds none. */
function recordOf(text: string): Record<string, unknown> | undefined {
  if (text.charCodeAt(0) !== 0x7b || !RECORD_MARKS.every((mark) => text.includes(mark))) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) && typeof value.type === 'string' && Object.hasOwn(OUTCOME, value.type) ? value : undefined;
  } catch {
    return undefined;
  }
}

export const kumomtaRecognizer: LogRecognizer = {
  format: 'kumomta',
  create() {
    return (text: string, source: LineSource) => {
      const record = recordOf(text);
      if (!record) return undefined;
      const outcome = OUTCOME[record.type as string];
      const address = outcome && normalizeAddress(textOf(record.recipient) ?? '');
      if (!outcome || !address) return NOTHING;
      const response = isObject(record.response) ? record.response : {};
      const reply = isCodeNumber(response.code) && (response.code as number) >= 200 ? String(response.code) : undefined;
      const status = enhancedCode(response.enhanced_code);
      const content = textOf(response.content) ?? '';
      return [{
        address, outcome, status, reply, diagnostic: clipped([reply, status, content].filter(Boolean).join(' ')),
        remoteMta: peerOf(record.peer_address), date: typeof record.timestamp === 'number' ? unixTimeText(record.timestamp) : undefined,
        messageId: textOf(record.id), file: source.file, line: source.line, format: 'kumomta',
      }];
    };
  },
};
