// "SMTP: Explain Status Code…" in the real VS Code: returns the explanation's Markdown and opens it as a preview.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/contributions';
import { renderExplanationMarkdown } from '../../src/core/explain/render';
import { DEFAULT_POLICY, explainCode } from '../../src/core/knowledge';
import { waitFor } from '../helpers/waitFor';

function expectedMarkdown(code: string): string {
  const explanation = explainCode(code, DEFAULT_POLICY);
  assert.ok(explanation, code);
  return renderExplanationMarkdown(explanation);
}

function previewTabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputWebview).map((tab) => tab.label);
}

describe('Explain Status Code command', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('returns the full 5.3.2 explanation and opens it as a read-only Markdown preview', async () => {
    const markdown = await vscode.commands.executeCommand<string>(COMMANDS.explainCode, '5.3.2');
    assert.equal(markdown, expectedMarkdown('5.3.2'));
    assert.match(markdown, /^# 5\.3\.2 — System not accepting network messages/);
    for (const heading of ['What it means', 'Common causes', 'How to investigate', 'References']) assert.ok(markdown.includes(`## ${heading}`), heading);
    await waitFor(() => previewTabLabels().find((label) => label.includes('5.3.2')), 'the preview tab');
    // The source is a virtual document of our scheme: VS Code cannot save or edit it.
    const source = vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'smtp-diagnostics' && document.uri.path === '/5.3.2.md');
    if (source) assert.equal(source.getText(), markdown);
  });

  it('explains a reply code and canonicalizes its argument', async () => {
    assert.equal(await vscode.commands.executeCommand<string>(COMMANDS.explainCode, ' 550 '), expectedMarkdown('550'));
    assert.equal(await vscode.commands.executeCommand<string>(COMMANDS.explainCode, '5.07.026'), expectedMarkdown('5.7.26'));
  });

  it('returns nothing for a malformed code (and shows an error message instead)', async () => {
    assert.equal(await vscode.commands.executeCommand(COMMANDS.explainCode, '10.4.1.2'), undefined);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.explainCode, 'not a code'), undefined);
  });

  it('follows the bounce policy settings, also in an explanation that is already open', async () => {
    const settings = vscode.workspace.getConfiguration('smtpDiagnostics');
    assert.match(await vscode.commands.executeCommand<string>(COMMANDS.explainCode, '5.3.2'), /Bounce type: Hard bounce/);
    await settings.update('bounce.softCodes', ['5.3.*'], vscode.ConfigurationTarget.Global);
    try {
      const markdown = await vscode.commands.executeCommand<string>(COMMANDS.explainCode, '5.3.2');
      assert.match(markdown, /Bounce type: Soft bounce/);
      const source = () => vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'smtp-diagnostics' && document.uri.path === '/5.3.2.md');
      await waitFor(() => (source()?.getText() === markdown ? true : undefined), 'the open explanation to follow the setting');
    } finally {
      await settings.update('bounce.softCodes', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('without an argument, offers a quick pick pre-filled with the code under the cursor', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'hover', 'bounce.log'));
    const editor = await vscode.window.showTextDocument(document);
    const line = document.getText().split('\n').findIndex((text) => text.startsWith('Status: 5.3.2'));
    editor.selection = new vscode.Selection(line, 9, line, 9);
    let settled = false;
    const result = Promise.resolve(vscode.commands.executeCommand<string>(COMMANDS.explainCode)).finally(() => { settled = true; });
    // The quick pick filters to the pre-filled code; accepting it explains that code. It may take a moment to
    // appear on a busy machine, so accept until the command returns.
    const deadline = Date.now() + 15_000;
    while (!settled && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    assert.equal(await result, expectedMarkdown('5.3.2'));
  });
});
