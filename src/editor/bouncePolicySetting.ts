// The user's hard/soft bounce policy, read from the `smtpDiagnostics.bounce.*Codes` settings at the moment of use,
// so a change applies to the next hover or explanation without a reload.
import * as vscode from 'vscode';
import { SETTINGS, SETTINGS_PREFIX } from '../contributions';
import { DEFAULT_POLICY, isPolicyPattern } from '../core/knowledge';
import type { BouncePolicy } from '../core/knowledge/types';

export function currentBouncePolicy(scope?: vscode.ConfigurationScope): BouncePolicy {
  const settings = vscode.workspace.getConfiguration(SETTINGS_PREFIX, scope);
  return {
    softCodes: patterns(settings.get<unknown>(SETTINGS.bounceSoftCodes), DEFAULT_POLICY.softCodes),
    hardCodes: patterns(settings.get<unknown>(SETTINGS.bounceHardCodes), DEFAULT_POLICY.hardCodes),
  };
}

// A hand-edited settings.json can hold anything; malformed entries are skipped rather than trusted.
function patterns(value: unknown, fallback: readonly string[]): readonly string[] {
  if (!Array.isArray(value)) return fallback;
  return value.filter((entry): entry is string => typeof entry === 'string' && isPolicyPattern(entry));
}
