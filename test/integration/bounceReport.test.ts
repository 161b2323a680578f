// "SMTP: Show Bounce Report" in the real VS Code: the webview beside the log, its charts drawn (measured from
// screenshots of their canvases by the page runner), and a click on a row opening the line it names.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, EXTENSION_ID } from '../../src/contributions';
import { askPage, needsPage } from '../helpers/pageRequest';
import { waitFor } from '../helpers/waitFor';

interface Chart { label: string; width: number; height: number; ink: number; distinct: number; verdictColours: Record<string, number> }
interface Inspection { colours: Record<string, number[]>; charts: Chart[]; sections: string[]; tables: Record<string, string[][]>; refused: string[] }

const VIEW_TYPE = 'smtpDiagnostics.bounceReport';

/** The report's webview tab, once the workbench lists it (its tab arrives after the command returned). */
const reportTab = () => waitFor(() => vscode.window.tabGroups.all.flatMap((group) => group.tabs)
  .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(VIEW_TYPE)), 'the report\'s tab');

/** The active editor once it shows `uri` with the selection on `line` (0-based). */
async function editorAt(uri: vscode.Uri, line: number): Promise<vscode.TextEditor> {
  return waitFor(() => {
    const editor = vscode.window.activeTextEditor;
    return editor?.document.uri.toString() === uri.toString() && editor.selection.start.line === line ? editor : undefined;
  }, `${uri.toString()} at line ${line + 1}`, 20_000);
}

describe('SMTP: Show Bounce Report', function () {
  this.timeout(120_000);
  let sample: vscode.Uri;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    sample = vscode.Uri.joinPath(extension.extensionUri, 'samples', 'maillog');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens the report on samples/maillog beside the log, with charts drawn in the theme\'s colours', async function () {
    needsPage(this);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(sample));
    const markdown = await vscode.commands.executeCommand<string>(COMMANDS.showBounceReport);
    assert.match(markdown, /^# Bounce report: /);
    const tab = await reportTab();
    assert.equal(tab.group.viewColumn, vscode.ViewColumn.Two, 'beside the log');
    const title = tab.label;

    const seen = await askPage<Inspection>('inspectReportView', { title });
    assert.deepEqual(seen.refused, [], 'nothing refused by the Content-Security-Policy');
    // One timeline and three top charts; each canvas has a size and drew something besides its background.
    assert.equal(seen.charts.length, 4, JSON.stringify(seen.charts));
    for (const chart of seen.charts) {
      assert.ok(chart.width > 100 && chart.height > 100, `${chart.label}: ${chart.width}×${chart.height}`);
      assert.ok(chart.ink > 0.01 && chart.distinct > 8, `${chart.label}: ${(chart.ink * 100).toFixed(1)} % inked, ${chart.distinct} colours`);
    }
    // samples/maillog: 2 hard bounces and 1 deferral at 09:00, drawn in the hard and the deferred colour.
    const timeline = seen.charts.find((chart) => chart.label.startsWith('Failures per hour'))!;
    assert.ok(timeline, seen.charts.map((chart) => chart.label).join(', '));
    assert.ok(timeline.verdictColours.hard > 0.02 && timeline.verdictColours.deferred > 0.01, JSON.stringify(timeline.verdictColours));
    assert.ok(timeline.verdictColours.hard > timeline.verdictColours.deferred, 'twice as many hard as deferred');
    assert.deepEqual(seen.sections.slice(0, 3), ['Failures over time (per hour)', 'Top domains, reasons and remote hosts', 'Failed addresses']);
    // The address as the log writes it: no entity, no escape.
    assert.deepEqual(seen.tables.addresses.map((row) => row.slice(0, 3)), [['no.such.user@example.net', 'hard', '5.1.1'], ['old.staff@legacy-corp.example', 'hard', '5.3.2']]);
    assert.ok(seen.tables['table-domains'].some((row) => row[6].includes('<…>: Recipient address rejected') && row[7] === 'maillog:7'), JSON.stringify(seen.tables['table-domains']));
  });

  it('opens the source line of a clicked row: an address, a domain\'s example, a code\'s example', async function () {
    needsPage(this);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(sample));
    await vscode.commands.executeCommand<string>(COMMANDS.showBounceReport);
    const title = (await reportTab()).label;
    for (const [section, text, line] of [['addresses', 'no.such.user@example.net', 7], ['table-domains', 'legacy-corp.example', 6], ['table-codes', '4.2.2', 10]] as const) {
      await askPage('clickReportRow', { title, section, text });
      const editor = await editorAt(sample, line - 1);
      assert.equal(editor.viewColumn, vscode.ViewColumn.One, 'in the log\'s group, beside the report');
      assert.ok(editor.document.lineAt(line - 1).text.length > 0 && editor.selection.isSingleLine && !editor.selection.isEmpty, 'the line is selected');
      assert.equal(path.basename(editor.document.fileName), 'maillog');
    }
  });

  it('opens the line of an unsaved document by its URI, and the report as Markdown from its button', async function () {
    needsPage(this);
    const document = await vscode.workspace.openTextDocument({ language: 'plaintext', content: [
      'header line',
      'Mar  3 10:00:01 mx1 postfix/smtp[1]: ABC123: to=<zed@example.com>, relay=none, delay=1, dsn=5.1.2, status=bounced (Host or domain name not found. Name service error for name=example.com type=MX: Host not found)',
    ].join('\n') });
    await vscode.window.showTextDocument(document);
    const markdown = await vscode.commands.executeCommand<string>(COMMANDS.showBounceReport);
    const title = (await reportTab()).label;
    await askPage('clickReportRow', { title, section: 'addresses', text: 'zed@example.com' });
    await editorAt(document.uri, 1);

    await askPage('clickReportButton', { title, text: 'Open as Markdown' });
    const opened = await waitFor(() => vscode.workspace.textDocuments.find((each) => each.languageId === 'markdown' && each.getText() === markdown), 'the Markdown report');
    assert.match(opened.getText(), /\| example\.com \| 1 \| 0 \| 0 \| 0 \| 0 \|/);
  });
});
