import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { COMMANDS, EXTENSION_ID } from '../../src/contributions';
import type { BounceRecord } from '../../src/core/bounce';
import type { OpenedCompressedLog } from '../../src/features/openCompressedLog';
import { waitFor } from '../helpers/waitFor';

const workspace = () => vscode.workspace.workspaceFolders![0].uri;

describe('SMTP: Open Compressed Log', () => {
  let dir: string;
  let log: string;
  const file = (name: string) => vscode.Uri.file(path.join(dir, name));
  const open = (uri: vscode.Uri) => vscode.commands.executeCommand<OpenedCompressedLog | undefined>(COMMANDS.openCompressedLog, uri);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    // Written at run time: a gzip file is binary, and fixtures in git stay text.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-diag-gz-'));
    log = fs.readFileSync(vscode.Uri.joinPath(workspace(), 'bounces', 'postfix-bounces.log').fsPath, 'utf8');
    const compressed = gzipSync(log);
    fs.writeFileSync(path.join(dir, 'maillog.2.gz'), compressed);
    fs.writeFileSync(path.join(dir, 'maillog.3.gz'), compressed.subarray(0, Math.floor(compressed.length / 2)));
    fs.writeFileSync(path.join(dir, 'plain.log.gz'), log);
    fs.writeFileSync(path.join(dir, 'picture.png.gz'), gzipSync(fs.readFileSync(vscode.Uri.joinPath(workspace(), 'bounces', 'picture.png').fsPath)));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens maillog.2.gz decompressed as a Mail Log, where the hover and the extraction work; the file is unchanged', async () => {
    const source = file('maillog.2.gz');
    const before = fs.readFileSync(source.fsPath);
    const opened = await open(source);
    assert.ok(opened);
    assert.equal(opened.problem, undefined);
    assert.equal(opened.document.getText(), log);
    assert.equal(opened.document.languageId, 'smtp-log');
    assert.equal(opened.document.uri.scheme, 'smtp-diagnostics-gz');
    assert.equal(vscode.window.activeTextEditor?.document, opened.document);

    const offset = log.indexOf('5.1.1');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', opened.document.uri, opened.document.positionAt(offset + 1));
    const hoverText = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    assert.match(hoverText, /5\.1\.1/);

    const records = await vscode.commands.executeCommand<BounceRecord[]>(COMMANDS.extractHardBounces);
    assert.deepEqual(records.map((record) => [record.address, record.file, record.line]), [
      ['Alice@example.com', source.fsPath, 1],
      ['erin@bücher.example', source.fsPath, 7],
    ]);
    assert.deepEqual(fs.readFileSync(source.fsPath), before);
  });

  it('opens a compressed mail log decompressed on a double click (vscode.open), and leaves other .gz files to VS Code', async () => {
    await vscode.commands.executeCommand('vscode.open', file('maillog.2.gz'));
    const editor = await waitFor(() => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'smtp-diagnostics-gz' ? active : undefined;
    }, 'the decompressed maillog.2');
    assert.equal(editor.document.getText(), log);
    assert.equal(editor.document.languageId, 'smtp-log');
    // The stand-in editor closed itself: the decompressed log is the only tab.
    await waitFor(() => (vscode.window.tabGroups.all.flatMap((group) => group.tabs).length === 1 ? true : undefined), 'one tab');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vscode.open', file('plain.log.gz'));
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    assert.ok(!tabs.some((tab) => tab.input instanceof vscode.TabInputCustom), 'plain.log.gz is not a mail-log name');
  });

  it('shows what a truncated file holds before the cut, and says it was cut', async () => {
    const opened = await open(file('maillog.3.gz'));
    assert.ok(opened);
    assert.match(opened.problem ?? '', /^truncated or corrupt compressed data/);
    assert.ok(opened.document.getText().length > 0);
    assert.ok(log.startsWith(opened.document.getText()));
  });

  it('opens no editor for a file that is not gzip-compressed or holds binary content', async () => {
    for (const name of ['plain.log.gz', 'picture.png.gz']) {
      assert.equal(await open(file(name)), undefined, name);
      assert.ok(!vscode.window.visibleTextEditors.some((editor) => editor.document.uri.scheme === 'smtp-diagnostics-gz'), name);
    }
  });
});
