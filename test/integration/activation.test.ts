// The first suite to run (files run in name order), before any suite calls activate(): the extension must
// activate by itself from its activation events and answer a hover on a mail log it has just opened.
// (VS Code's own output channels are `log` documents, so onLanguage:log usually activates it at start-up.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS, EXTENSION_ID } from '../../src/contributions';

async function hoverUntilAnswered(uri: vscode.Uri, position: vscode.Position): Promise<vscode.Hover[]> {
  // onLanguage activation runs while the document opens; the provider exists once activate() has returned.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
    if (hovers.length > 0) return hovers;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return [];
}

describe('extension', () => {
  it('runs in the VS Code version the CI harness pins', () => {
    console.log(`    vscode.version = ${vscode.version}`);
    assert.equal(vscode.version, '1.100.3');
  });

  it('activates by itself when a mail log is opened, and answers a hover', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'maillog'));
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'smtp-log');
    const line = document.getText().split('\n').findIndex((text) => text.includes('dsn=5.3.2'));
    const character = document.lineAt(line).text.indexOf('dsn=5.3.2') + 'dsn='.length + 1;
    const hovers = await hoverUntilAnswered(document.uri, new vscode.Position(line, character));
    const text = hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value)).join('\n');
    assert.match(text, /5\.3\.2/);
    assert.ok(text.includes(`command:${COMMANDS.explainCode}`), 'the card links the full explanation');
    assert.equal(extension.isActive, true);
    assert.equal(extension.packageJSON.displayName, 'SMTP Diagnostics');
  });
});
