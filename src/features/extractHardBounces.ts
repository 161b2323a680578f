// Command "SMTP: Extract Hard-Bounce Addresses": on the active editor or on Explorer-selected files and folders;
// the result opens in a new untitled editor (sources are never modified). Returns the records, or undefined
// when cancelled. A third argument { signal } lets callers cancel without the notification's button.
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS, SETTINGS_PREFIX } from '../contributions';
import { BounceRecord, extractBounces, formatRecords, OUTPUT_FORMATS, OutputFormat } from '../core/bounce';
import { bounceInputsFor } from '../editor/bounceInputs';
import { readWithProgress } from '../editor/engineReading';

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
    const result = await readWithProgress(`Extracting hard bounces from ${source.label}`, 'Hard-bounce extraction cancelled; nothing was written.', options?.signal, (reading) => extractBounces(source.inputs, { ...reading, laterDelivered: false }));
    if (!result) return undefined;
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
