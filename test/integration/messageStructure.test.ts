// The structure of a bounce in the real VS Code: outline (document symbols), folding ranges, the decoded view of a
// base64 part and the hover on an encoded word.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/contributions';

function fixtureUri(file: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...file.split('/'));
}

describe('bounce structure', () => {
  let document: vscode.TextDocument;
  before(async () => {
    document = await vscode.workspace.openTextDocument(fixtureUri('structure/dsn-base64.eml'));
    await vscode.window.showTextDocument(document);
  });
  const lineOf = (text: string, from = 0) => document.getText().split('\n').findIndex((line, index) => index >= from && line === text);

  it('outlines the message: headers, each part, and every DSN recipient with its Action and Status', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    assert.equal(symbols.length, 1);
    const [message] = symbols;
    assert.equal(message.name, 'Échec de la remise du message');
    assert.deepEqual(message.children.map((symbol) => symbol.name), ['Headers', 'text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    const recipients = message.children[2].children;
    assert.deepEqual(recipients.map((symbol) => [symbol.name, symbol.detail]), [
      ['marie.dupont@example.fr', 'Action: failed · Status: 5.1.1'],
      ['jean.martin@example.fr', 'Action: delayed · Status: 4.2.2'],
    ]);
    assert.equal(message.children[1].detail, 'utf-8 · base64 · 249 B');
  });

  it('folds the header block, each part and the returned headers', async () => {
    const ranges = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', document.uri);
    const starts = new Set(ranges.map((range) => range.start));
    const parts = [lineOf('Content-Type: text/plain; charset=utf-8'), lineOf('Content-Type: message/delivery-status'), lineOf('Content-Type: text/rfc822-headers')];
    for (const line of [0, ...parts]) assert.ok(starts.has(line), `a range starts at line ${line + 1}`);
    const statusPart = ranges.find((range) => range.start === parts[1]);
    assert.equal(statusPart?.end, parts[2] - 2, 'the delivery-status part folds up to the line before the next delimiter');
  });

  it('opens the base64 part decoded by its charset in a read-only editor', async () => {
    const decoded = await vscode.commands.executeCommand<vscode.TextDocument>(COMMANDS.openDecodedPart, document.uri, lineOf('Content-Type: text/plain; charset=utf-8'));
    assert.ok(decoded, 'a document');
    assert.match(decoded.getText(), /^Votre message n'a pas pu être remis à ces destinataires/);
    assert.match(decoded.getText(), /marie\.dupont@example\.fr : boîte aux lettres inexistante \(550 5\.1\.1\)/);
    assert.notEqual(decoded.uri.scheme, 'file');
    assert.equal(document.isDirty, false, 'the message is only read');
  });

  it('offers the decoded view as a CodeLens above the encoded part only', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    assert.deepEqual(lenses.map((lens) => [lens.range.start.line, lens.command?.command]), [[lineOf('Content-Type: text/plain; charset=utf-8'), COMMANDS.openDecodedPart]]);
  });

  it('shows an encoded word decoded on hover', async () => {
    const line = lineOf(document.getText().split('\n').find((text) => text.startsWith('Subject:')) ?? '');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(line, 15));
    const texts = hovers.flatMap((hover) => hover.contents.map((content) => typeof content === 'string' ? content : content.value));
    assert.ok(texts.some((text) => text.includes('Échec de la remise du message')), texts.join(' | '));
  });
});
