// Command "SMTP: Show Bounce Report": the report per domain, code, reason and remote host, with failures over time
// and the top domains, reasons and hosts as charts, in a webview beside the active editor. A click on a row opens
// its source line; "Open as Markdown" opens the same report as Markdown. Returns that Markdown, or undefined when
// there was nothing to read or it was cancelled.
//
// The webview is locked down: no remote content, scripts only with this panel's nonce, styles only from the
// extension's dist/, and it gets the report as JSON (ReportModel), never HTML made from log text. Of its messages
// only our own shapes are taken, and a line is opened only in a file the report was made from.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { extractBounces } from '../core/bounce';
import { BounceReport, reportMarkdown } from '../core/bounce/report';
import type { ReportModel, SourceLine } from '../core/bounce/reportModel';
import { bounceInputsFor, sourceDocumentUri } from '../editor/bounceInputs';
import { readWithProgress } from '../editor/engineReading';
import { fromReportView, ToReportView } from '../webview/protocol';

export const REPORT_VIEW_TYPE = 'smtpDiagnostics.bounceReport';

export function registerBounceReport(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showBounceReport, async (uri?: unknown, uris?: unknown) => {
    const source = await bounceInputsFor(uri, uris);
    if (!source) {
      void vscode.window.showInformationMessage('Open a mail log or bounce message, or select files in the Explorer, to see a bounce report.');
      return undefined;
    }
    const report = new BounceReport();
    // Soft and review records too: the report lists every failed address.
    const result = await readWithProgress(`Bounce report for ${source.label}`, undefined, undefined,
      (reading) => extractBounces(source.inputs, { ...reading, includeSoft: true, onEvent: (event, dates) => report.add(event, dates) }));
    if (!result) return undefined;
    const model = report.model(result.summary, { title: `Bounce report: ${source.label}`, records: result.records });
    const markdown = reportMarkdown(model);
    showReportView(extensionUri, model, markdown);
    return markdown;
  });
}

function showReportView(extensionUri: vscode.Uri, model: ReportModel, markdown: string): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, model.title, vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [dist],
  });
  panel.webview.html = reportViewHtml(panel.webview, dist);
  const files = sourceFiles(model);
  const listener = panel.webview.onDidReceiveMessage(async (message: unknown) => {
    const request = fromReportView(message);
    if (!request) return;
    if (request.type === 'ready') {
      // Sent on each load: the webview loads again when it is shown after being hidden.
      const data: ToReportView = { type: 'report', model };
      void panel.webview.postMessage(data);
    } else if (request.type === 'openMarkdown') {
      const document = await vscode.workspace.openTextDocument({ content: markdown, language: 'markdown' });
      await vscode.window.showTextDocument(document, { viewColumn: panel.viewColumn, preview: false });
    } else if (files.has(request.source.file)) {
      await openSourceLine(request.source, panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
    }
  });
  panel.onDidDispose(() => listener.dispose());
}

/** Every file the report links to. */
function sourceFiles(model: ReportModel): Set<string> {
  const files = new Set(model.addresses.rows.map((row) => row.source.file));
  for (const table of model.tables) for (const row of table.rows) files.add(row.example.file);
  return files;
}

/** Shows the line selected, in the editor group beside the report. An unsaved document is taken as it is now. */
async function openSourceLine(source: SourceLine, viewColumn: vscode.ViewColumn): Promise<void> {
  const uri = sourceDocumentUri(source.file);
  let document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri.toString());
  if (!document && uri.scheme === 'untitled') {
    void vscode.window.showInformationMessage(`${uri.path} is closed: its text is gone.`);
    return;
  }
  try {
    document ??= await vscode.workspace.openTextDocument(uri);
  } catch (error) {
    void vscode.window.showErrorMessage(`Cannot open ${source.file}: ${(error as Error).message}`);
    return;
  }
  // The document may have changed since the report was made: the line is kept within it.
  const range = document.lineAt(Math.min(source.line, document.lineCount) - 1).range;
  const editor = await vscode.window.showTextDocument(document, { viewColumn, selection: range, preview: true });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** The page: a static shell whose script draws the report from the data it is sent. */
function reportViewHtml(webview: vscode.Webview, dist: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'reportView.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'reportView.css'));
  const policy = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Bounce report</title>
</head>
<body>
<main id="report" aria-busy="true"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
