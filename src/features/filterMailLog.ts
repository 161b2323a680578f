// Command "SMTP: Filter Mail Log…": a quick pick of filters (failures, hard bounces, deferrals, inbound rejects, one
// domain, one remote host, one code) over the active log or the Explorer's selection; the matching lines open in a
// read-only Mail Log document, each linked back to its source line. Which line is a failure, hard or a deferral is
// the bounce engine's verdict (src/core/trace/filter.ts). The source is only read.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { domainTokenAt } from '../core/mx';
import { filterLogLines, type FilterResult, type LogFilter, type LogFilterKind } from '../core/trace/filter';
import { bounceInputsFor } from '../editor/bounceInputs';
import { readWithProgress } from '../editor/engineReading';
import { LinkedDocuments, sourceLine } from '../editor/linkedLines';

/** Scheme of the filtered documents. */
export const FILTER_SCHEME = 'smtp-diagnostics-filter';

interface FilterChoice extends vscode.QuickPickItem {
  readonly filter: LogFilterKind;
  /** Asked for when picked. */
  readonly ask?: { prompt: string; placeHolder: string };
}

const CHOICES: readonly FilterChoice[] = [
  { filter: 'failures', label: 'Failures only', description: 'bounced and expired deliveries' },
  { filter: 'hard', label: 'Hard bounces only', description: 'failures that put the address on the suppression list' },
  { filter: 'deferrals', label: 'Deferrals', description: 'deliveries the queue will retry' },
  { filter: 'inbound-rejects', label: 'Inbound rejects', description: 'mail this server refused (NOQUEUE reject, rejected RCPT)' },
  { filter: 'domain', label: 'One domain…', description: 'every line about recipients at a domain', ask: { prompt: 'Recipient domain (subdomains count)', placeHolder: 'example.com' } },
  { filter: 'remote-host', label: 'One remote host…', description: 'lines naming a remote server', ask: { prompt: 'Remote host name or IP address (part of it is enough)', placeHolder: 'mx.example.com' } },
  { filter: 'code', label: 'One code…', description: 'lines with a status code', ask: { prompt: 'Enhanced status code or reply code', placeHolder: '5.1.1 or 550' } },
];

export interface FilterCommandOptions {
  /** The filter, instead of asking. */
  readonly filter?: LogFilter;
  readonly signal?: AbortSignal;
}

export function registerFilterMailLog(): vscode.Disposable {
  const documents = new LinkedDocuments(FILTER_SCHEME);
  const command = vscode.commands.registerCommand(COMMANDS.filterMailLog, async (uri?: unknown, uris?: unknown, options: FilterCommandOptions = {}): Promise<FilterResult & { document?: vscode.TextDocument } | undefined> => {
    const source = await bounceInputsFor(uri, uris);
    if (!source) {
      void vscode.window.showInformationMessage('Open a mail log, or select log files in the Explorer, to filter it.');
      return undefined;
    }
    const filter = options.filter ?? await askFilter();
    if (!filter) return undefined;
    const result = await readWithProgress(`Filtering ${source.label}`, 'Filtering cancelled.', options.signal, (reading) => filterLogLines(source.inputs, filter, reading));
    if (!result) return undefined;
    const problems = result.problems.map((problem) => `${vscode.workspace.asRelativePath(problem.file)}: ${problem.problem}`);
    if (problems.length) void vscode.window.showWarningMessage(`Some inputs were not read: ${problems.join('; ')}`);
    const title = `${CHOICES.find((choice) => choice.filter === filter.kind)?.label.replace('…', '')}${filter.value ? ` ${filter.value}` : ''} — ${source.label}`;
    if (result.lines.length === 0) {
      void vscode.window.showInformationMessage(`No line of ${source.label} passes the filter "${title}".`);
      return result;
    }
    if (result.truncated) void vscode.window.showWarningMessage(`Only the first ${result.lines.length} matching lines are shown; the CLI reads any size.`);
    const document = await documents.open(title, result.lines.map((line) => ({ text: line.text, source: sourceLine(line.file, line.line) })));
    return { ...result, document };
  });
  return vscode.Disposable.from(documents, command);
}

/** The filter the user picks, with its value when it needs one; undefined when dismissed. */
async function askFilter(): Promise<LogFilter | undefined> {
  const choice = await vscode.window.showQuickPick(CHOICES, { title: 'SMTP: Filter Mail Log', placeHolder: 'Which lines to show' });
  if (!choice) return undefined;
  if (!choice.ask) return { kind: choice.filter };
  const value = await vscode.window.showInputBox({
    title: `SMTP: Filter Mail Log — ${choice.label.replace('…', '')}`, prompt: choice.ask.prompt, placeHolder: choice.ask.placeHolder,
    value: choice.filter === 'domain' ? domainUnderCursor() : undefined,
    validateInput: (text) => (text.trim() ? undefined : 'Type a value'),
  });
  return value?.trim() ? { kind: choice.filter, value: value.trim() } : undefined;
}

function domainUnderCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const position = editor.selection.active;
  return domainTokenAt(editor.document.lineAt(position.line).text, position.character)?.domain;
}
