// Full-depth entries for the codes seen most in real bounces, keyed by exact code ("5.3.2").
import type { DeepEntry } from '../notes';
import { OTHER_DEEP } from './other';
import { ADDRESSING_DEEP } from './addressing';
import { MAILBOX_DEEP } from './mailbox';
import { SYSTEM_DEEP } from './system';
import { NETWORK_DEEP } from './network';
import { SECURITY_DEEP } from './security';
import { PROTOCOL_DEEP } from './protocol';

const ALL: readonly Readonly<Record<string, DeepEntry>>[] = [OTHER_DEEP, ADDRESSING_DEEP, MAILBOX_DEEP, SYSTEM_DEEP, NETWORK_DEEP, PROTOCOL_DEEP, SECURITY_DEEP];

const BY_CODE = new Map<string, DeepEntry>(ALL.flatMap((group) => Object.entries(group)));

export function deepEntry(code: string): DeepEntry | undefined {
  return BY_CODE.get(code);
}

/** Every code with a full-depth entry. */
export function deepCodes(): readonly string[] {
  return [...BY_CODE.keys()];
}
