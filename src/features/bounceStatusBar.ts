// A status bar item for the active mail log or bounce message: how many hard, review, soft and deferred failures it
// holds, counted as the bounce report counts them; a click opens the report. It follows edits, once typing pauses,
// and a newer count cancels an older one still running.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { extractBounceStream } from '../core/bounce';
import { failureKindOf } from '../core/bounce/failureKind';
import type { FailureKind } from '../core/bounce/failureKind';
import { EDITOR_READING } from '../editor/bounceInputs';
import { currentBouncePolicy } from '../editor/bouncePolicySetting';

const COUNTED_LANGUAGES = new Set(['smtp-log', 'eml']);
/** Edits are counted once typing pauses this long. */
const RECOUNT_DEBOUNCE_MS = 600;

type Counts = Record<FailureKind, number>;

/** The item's text: the kinds that occur, failures first (an empty log says so). */
function statusText(counts: Counts): string {
  const parts = [
    counts.hard && `$(error) ${counts.hard} hard`,
    counts.review && `$(question) ${counts.review} review`,
    counts.soft && `$(warning) ${counts.soft} soft`,
    counts.deferred && `$(clock) ${counts.deferred} deferred`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('  ') : '$(pass) no failures';
}

function tooltipOf(counts: Counts, name: string): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString();
  tooltip.appendText(`Failures in ${name}, as the bounce report counts them (one per log line or DSN recipient):\n\n`);
  tooltip.appendText(`hard ${counts.hard} · review ${counts.review} · soft ${counts.soft} · deferred ${counts.deferred} · rejected inbound ${counts.inbound}\n\n`);
  tooltip.appendText('Click to open the bounce report.');
  return tooltip;
}

export function registerBounceStatusBar(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('smtpDiagnostics.bounceCounts', vscode.StatusBarAlignment.Left, 50);
  item.name = 'SMTP Diagnostics: bounce counts';
  item.command = COMMANDS.showBounceReport;
  let running: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function count(document: vscode.TextDocument): Promise<void> {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const counts: Counts = { hard: 0, review: 0, soft: 0, deferred: 0, inbound: 0 };
    try {
      // The events are counted as they come; the records are never made.
      const { dispose } = await extractBounceStream([{ name: document.uri.toString(), text: document.getText() }], {
        ...EDITOR_READING, policy: currentBouncePolicy(document.uri), signal: controller.signal, laterDelivered: false,
        onEvent: (event) => { const kind = failureKindOf(event); if (kind) counts[kind]++; },
      });
      dispose();
    } catch {
      // Cancelled by a newer count, or text the engine cannot read: the item keeps its last count.
      return;
    }
    if (controller.signal.aborted || vscode.window.activeTextEditor?.document !== document) return;
    item.text = statusText(counts);
    item.tooltip = tooltipOf(counts, vscode.workspace.asRelativePath(document.uri));
    item.show();
  }

  function follow(editor: vscode.TextEditor | undefined): void {
    clearTimeout(timer);
    if (!editor || !COUNTED_LANGUAGES.has(editor.document.languageId)) {
      running?.abort();
      item.hide();
      return;
    }
    void count(editor.document);
  }

  const subscriptions = [
    vscode.window.onDidChangeActiveTextEditor(follow),
    vscode.workspace.onDidChangeTextDocument(({ document }) => {
      if (document !== vscode.window.activeTextEditor?.document || !COUNTED_LANGUAGES.has(document.languageId)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void count(document), RECOUNT_DEBOUNCE_MS);
    }),
    vscode.workspace.onDidOpenTextDocument((document) => { if (document === vscode.window.activeTextEditor?.document) follow(vscode.window.activeTextEditor); }),
  ];
  follow(vscode.window.activeTextEditor);
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    running?.abort();
    for (const subscription of subscriptions) subscription.dispose();
    item.dispose();
  });
}
