import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { COMMANDS, EXTENSION_ID } from '../../src/contributions';
import type { BounceRecord } from '../../src/core/bounce';
import { waitFor } from '../helpers/waitFor';

const workspace = () => vscode.workspace.workspaceFolders![0].uri;
const fixture = (name: string) => vscode.Uri.joinPath(workspace(), 'bounces', name);

/** Untitled documents currently open, by URI. */
const untitled = () => new Set(vscode.workspace.textDocuments.filter((doc) => doc.isUntitled).map((doc) => doc.uri.toString()));

async function run(...args: unknown[]): Promise<{ records: BounceRecord[] | undefined; opened: vscode.TextDocument[] }> {
  const before = untitled();
  const records = await vscode.commands.executeCommand<BounceRecord[] | undefined>(COMMANDS.extractHardBounces, ...args);
  const opened = vscode.workspace.textDocuments.filter((doc) => doc.isUntitled && !before.has(doc.uri.toString()));
  return { records, opened };
}

describe('SMTP: Extract Hard-Bounce Addresses', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('extracts the hard bounces of a Postfix log into a new untitled editor, leaving the log unchanged', async () => {
    const log = fixture('postfix-bounces.log');
    const bytesBefore = fs.readFileSync(log.fsPath);
    const { records, opened } = await run(log);
    assert.equal(opened.length, 1);
    // bob is a 5.7.1 block (sender-side), carol deferred, dave delivered later, nobody@ an inbound reject.
    assert.equal(opened[0].getText(), 'Alice@example.com\nerin@bücher.example\n');
    assert.equal(opened[0].languageId, 'plaintext');
    assert.deepEqual(records!.map((record) => [record.address, record.status, record.reason, record.line]), [
      ['Alice@example.com', '5.1.1', 'user-unknown', 1],
      ['erin@bücher.example', '5.1.1', 'user-unknown', 7],
    ]);
    assert.deepEqual(fs.readFileSync(log.fsPath), bytesBefore);
  });

  it('extracts the failed recipients of a bounce message (.eml) from the active editor', async () => {
    const eml = fixture('exim-failed.eml');
    const bytesBefore = fs.readFileSync(eml.fsPath);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(eml));
    const { records, opened } = await run();
    assert.equal(opened.length, 1);
    assert.equal(opened[0].getText(), 'kijitora@example.jp\nsabatora@example.jp\n');
    assert.deepEqual(records!.map((record) => record.reply), ['550', '550']);
    assert.deepEqual(fs.readFileSync(eml.fsPath), bytesBefore);
  });

  it('takes unsaved edits of the active editor into account', async () => {
    const document = await vscode.workspace.openTextDocument({ content: '', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0),
      'Mar  3 10:00:01 mx1 postfix/smtp[1]: ABC123: to=<zed@example.com>, relay=none, delay=1, dsn=5.1.2, status=bounced (Host or domain name not found. Name service error for name=example.com type=MX: Host not found)\n'));
    const { records, opened } = await run();
    assert.equal(opened.length, 1);
    assert.equal(opened[0].getText(), 'zed@example.com\n');
    assert.equal(records![0].reason, 'host-unknown');
  });

  it('stops when cancelled and opens nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { records, opened } = await run(fixture('postfix-bounces.log'), undefined, { signal: controller.signal });
    assert.equal(records, undefined);
    assert.equal(opened.length, 0);
  });

  it('stops mid-file when cancelled while reading a large log', async () => {
    // About 40 MB of log in the workspace copy, so the extraction is still running when the signal fires.
    const line = fs.readFileSync(fixture('postfix-bounces.log').fsPath, 'utf8');
    const big = vscode.Uri.joinPath(workspace(), 'bounces', 'big-maillog');
    fs.writeFileSync(big.fsPath, line.repeat(25_000));
    try {
      const controller = new AbortController();
      let progressed = false;
      setTimeout(() => { progressed = true; controller.abort(); }, 50);
      const { records, opened } = await run(big, undefined, { signal: controller.signal });
      assert.equal(progressed, true);
      assert.equal(records, undefined);
      assert.equal(opened.length, 0);
    } finally {
      fs.rmSync(big.fsPath);
    }
  });

  it('answers a binary file and an empty file with a message, not an editor', async () => {
    for (const name of ['picture.png', 'empty.log']) {
      const { records, opened } = await run(fixture(name));
      assert.deepEqual(records, [], name);
      assert.equal(opened.length, 0, name);
    }
  });

  it('reads Explorer selections (folders recursively) and writes JSON when the setting says so', async () => {
    const settings = vscode.workspace.getConfiguration('smtpDiagnostics');
    await settings.update('extract.format', 'json', vscode.ConfigurationTarget.Workspace);
    try {
      const folder = vscode.Uri.joinPath(workspace(), 'bounces');
      const { records, opened } = await run(folder, [folder]);
      assert.equal(opened.length, 1);
      assert.equal(opened[0].languageId, 'json');
      const parsed = JSON.parse(opened[0].getText()) as BounceRecord[];
      assert.deepEqual(parsed.map((record) => record.address), ['Alice@example.com', 'erin@bücher.example', 'kijitora@example.jp', 'sabatora@example.jp']);
      assert.deepEqual(parsed, JSON.parse(JSON.stringify(records)));
    } finally {
      await settings.update('extract.format', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('shows a bounce report, returning its Markdown, with inbound rejects kept apart', async () => {
    const markdown = await vscode.commands.executeCommand<string>(COMMANDS.showBounceReport, fixture('postfix-bounces.log'));
    assert.match(markdown, /\| example\.com \| 2 \| 0 \| 0 \| 0 \| 0 \|/); // alice and dave (delivered later); columns hard, review, soft, deferred, inbound
    assert.match(markdown, /Delivered after failing .*dave@example\.com/);
    assert.match(markdown, /\| mx1\.example \| 0 \| 0 \| 0 \| 0 \| 1 \|/);
    // Per remote host: alice and dave's failures at one server count together, addresses masked.
    assert.match(markdown, /\| mx\.example\.com \| 2 \| 0 \| 0 \| 0 \| 0 \| 550 5\.1\.1 &lt;…&gt;: Recipient address rejected: User unknown in virtual mailbox table \(in reply to RCPT TO command\) \(×2\) \|/);
    // The report itself opens in a webview (test/integration/bounceReport.test.ts looks into it).
    await waitFor(() => vscode.window.tabGroups.all.flatMap((group) => group.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('smtpDiagnostics.bounceReport')), 'the report\'s tab');
  });
});
