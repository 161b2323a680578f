import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLORS, COMMAND_CATEGORY, COMMANDS, CUSTOM_EDITORS, EXTENSION_ID, SETTINGS, SETTINGS_PREFIX } from '../../src/contributions';

interface Manifest {
  name: string;
  publisher: string;
  contributes: {
    commands?: { command: string; category?: string }[];
    customEditors?: { viewType: string }[];
    colors?: { id: string; defaults: Record<string, string> }[];
    configuration?: { properties?: Record<string, unknown> } | { properties?: Record<string, unknown> }[];
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;

function contributedSettings(): string[] {
  const configuration = manifest.contributes.configuration;
  const sections = configuration === undefined ? [] : Array.isArray(configuration) ? configuration : [configuration];
  return sections.flatMap((section) => Object.keys(section.properties ?? {}));
}

describe('contributions table', () => {
  it('names the extension as package.json does', () => {
    assert.equal(EXTENSION_ID, `${manifest.publisher}.${manifest.name}`);
  });

  it('lists exactly the commands package.json contributes, each in the SMTP category', () => {
    const contributed = (manifest.contributes.commands ?? []).map((entry) => entry.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
    for (const entry of manifest.contributes.commands ?? []) assert.equal(entry.category, COMMAND_CATEGORY, entry.command);
  });

  it('lists exactly the custom editors package.json contributes', () => {
    assert.deepEqual((manifest.contributes.customEditors ?? []).map((entry) => entry.viewType).sort(), Object.values(CUSTOM_EDITORS).sort());
  });

  it('lists exactly the settings package.json contributes, each under the smtpDiagnostics prefix', () => {
    const expected = Object.values(SETTINGS).map((name) => `${SETTINGS_PREFIX}.${name}`).sort();
    assert.deepEqual(contributedSettings().sort(), expected);
  });

  it('lists exactly the theme colours package.json contributes, each with a default for every theme kind', () => {
    assert.deepEqual((manifest.contributes.colors ?? []).map((entry) => entry.id).sort(), Object.values(COLORS).sort());
    for (const entry of manifest.contributes.colors ?? []) assert.deepEqual(Object.keys(entry.defaults).sort(), ['dark', 'highContrast', 'highContrastLight', 'light'], entry.id);
  });
});
