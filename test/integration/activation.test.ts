import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/contributions';

describe('extension', () => {
  it('runs in the VS Code version the CI harness pins', () => {
    console.log(`    vscode.version = ${vscode.version}`);
    assert.match(vscode.version, /^1\.\d+\.\d+/);
  });

  it('is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(extension.packageJSON.displayName, 'SMTP Diagnostics');
  });
});
