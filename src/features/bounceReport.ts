// Command "SMTP: Show Bounce Report": a Markdown report per domain and per code in a new untitled editor.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { ExtractionCancelled, extractBounces } from '../core/bounce';
import { BounceReport } from '../core/bounce/report';
import { bounceInputsFor, EDITOR_READING } from '../editor/bounceInputs';
import { currentBouncePolicy } from '../editor/bouncePolicySetting';

export function registerBounceReport(): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showBounceReport, async (uri?: unknown, uris?: unknown) => {
    const source = await bounceInputsFor(uri, uris);
    if (!source) {
      void vscode.window.showInformationMessage('Open a mail log or bounce message, or select files in the Explorer, to see a bounce report.');
      return undefined;
    }
    const report = new BounceReport();
    try {
      const { summary } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Bounce report for ${source.label}`, cancellable: true },
        (_progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return extractBounces(source.inputs, { ...EDITOR_READING, policy: currentBouncePolicy(), signal: controller.signal, onEvent: (event) => report.add(event) });
        });
      const markdown = report.toMarkdown(summary, `Bounce report: ${source.label}`);
      const document = await vscode.workspace.openTextDocument({ content: markdown, language: 'markdown' });
      await vscode.window.showTextDocument(document, { preview: false });
      return markdown;
    } catch (error) {
      if (error instanceof ExtractionCancelled) return undefined;
      throw error;
    }
  });
}
