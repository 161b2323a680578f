// Command "SMTP: Extract Hard-Bounce Addresses": on the active editor or on Explorer-selected files and folders;
// the result opens in a new untitled editor (sources are never modified). Returns the records, or undefined
// when cancelled. A third argument { signal } lets callers cancel without the notification's button.
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS, SETTINGS_PREFIX } from '../contributions';
import { BounceRecord, ExtractionCancelled, extractBounces, formatRecords, OUTPUT_FORMATS, OutputFormat } from '../core/bounce';
import { bounceInputsFor, EDITOR_READING } from '../editor/bounceInputs';
import { currentBouncePolicy } from '../editor/bouncePolicySetting';

const LANGUAGE: Readonly<Record<OutputFormat, string>> = { text: 'plaintext', csv: 'plaintext', json: 'json', ndjson: 'jsonl' };

export function registerExtractHardBounces(): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.extractHardBounces, async (uri?: unknown, uris?: unknown, options?: { signal?: AbortSignal }) => {
    const source = await bounceInputsFor(uri, uris);
    if (!source) {
      void vscode.window.showInformationMessage('Open a mail log or bounce message, or select files in the Explorer, to extract hard bounces.');
      return [];
    }
    const configured = vscode.workspace.getConfiguration(SETTINGS_PREFIX).get<string>(SETTINGS.extractFormat, 'text');
    const format: OutputFormat = OUTPUT_FORMATS.includes(configured as OutputFormat) ? configured as OutputFormat : 'text';
    let result;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Extracting hard bounces from ${source.label}`, cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          options?.signal?.addEventListener('abort', () => controller.abort());
          if (options?.signal?.aborted) controller.abort();
          return extractBounces(source.inputs, {
            ...EDITOR_READING, policy: currentBouncePolicy(), signal: controller.signal,
            onProgress: (bytes) => progress.report({ message: `${(bytes / 1048576).toFixed(1)} MB read` }),
          });
        });
    } catch (error) {
      if (error instanceof ExtractionCancelled) {
        void vscode.window.showInformationMessage('Hard-bounce extraction cancelled; nothing was written.');
        return undefined;
      }
      throw error;
    }
    const { records, summary } = result;
    const problems = summary.problems.map((problem) => `${vscode.workspace.asRelativePath(problem.file)}: ${problem.problem}`);
    if (records.length === 0) {
      const scanned = `${summary.files} file(s), ${summary.lines} line(s), ${summary.messages} message(s)`;
      void vscode.window.showInformationMessage(`No hard bounces found in ${source.label} (${scanned}).${problems.length ? ` ${problems.join('; ')}` : ''}`);
      return [] as BounceRecord[];
    }
    if (problems.length) void vscode.window.showWarningMessage(`Some inputs were not scanned: ${problems.join('; ')}`);
    const document = await vscode.workspace.openTextDocument({ content: formatRecords(records, format), language: LANGUAGE[format] });
    await vscode.window.showTextDocument(document, { preview: false });
    return records;
  });
}
