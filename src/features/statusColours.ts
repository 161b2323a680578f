// Status codes in our own class colours (failure, deferral, success), the same in every theme, and marks in the
// overview ruler for failure and deferral lines, so the scrollbar of a long log shows where the bounces are. The
// grammar's scopes stay (themes colour them too); these decorations are drawn over them and can be turned off.
import * as vscode from 'vscode';
import { COLORS, SETTINGS, SETTINGS_PREFIX } from '../contributions';
import { codeSpansOfLines, DECORATED_MARGIN_LINES, failureLines, STATUS_CLASS_NAMES } from '../core/codes/statusClasses';
import type { CodeSpan, StatusClassName } from '../core/codes/statusClasses';

/** The languages our grammars colour: mail logs, bounce messages and VS Code's Log documents. */
const DECORATED_LANGUAGES = new Set(['smtp-log', 'eml', 'log']);
/** The ruler is recomputed over the whole document after an edit, once typing pauses this long. */
const RULER_DEBOUNCE_MS = 400;

const CODE_COLOURS: Record<StatusClassName, { foreground: string; background: string }> = {
  failure: { foreground: COLORS.failureForeground, background: COLORS.failureBackground },
  deferral: { foreground: COLORS.deferralForeground, background: COLORS.deferralBackground },
  success: { foreground: COLORS.successForeground, background: COLORS.successBackground },
};

function codeDecoration(statusClass: StatusClassName): vscode.TextEditorDecorationType {
  const { foreground, background } = CODE_COLOURS[statusClass];
  return vscode.window.createTextEditorDecorationType({
    color: new vscode.ThemeColor(foreground),
    backgroundColor: new vscode.ThemeColor(background),
    borderRadius: '3px',
  });
}

function rulerDecoration(statusClass: 'failure' | 'deferral'): vscode.TextEditorDecorationType {
  return vscode.window.createTextEditorDecorationType({
    overviewRulerColor: new vscode.ThemeColor(CODE_COLOURS[statusClass].foreground),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
}

function decorationsEnabled(document: vscode.TextDocument): boolean {
  return vscode.workspace.getConfiguration(SETTINGS_PREFIX, document.uri).get<boolean>(SETTINGS.decorationsEnabled, true);
}

const toRange = (span: CodeSpan) => new vscode.Range(span.line, span.start, span.line, span.end);
const lineRange = (line: number) => new vscode.Range(line, 0, line, 0);

export function registerStatusColours(): vscode.Disposable {
  const codes = Object.fromEntries(STATUS_CLASS_NAMES.map((name) => [name, codeDecoration(name)])) as Record<StatusClassName, vscode.TextEditorDecorationType>;
  const rulers = { failure: rulerDecoration('failure'), deferral: rulerDecoration('deferral') };
  /** Ruler marks per document version: editors of one document share them, and a scroll does not recompute them. */
  const marksByDocument = new Map<string, { version: number; marks: { failure: number[]; deferral: number[] } }>();
  const pendingRulers = new Map<string, NodeJS.Timeout>();

  const applies = (editor: vscode.TextEditor) => DECORATED_LANGUAGES.has(editor.document.languageId) && decorationsEnabled(editor.document);

  function clear(editor: vscode.TextEditor): void {
    for (const decoration of [...Object.values(codes), ...Object.values(rulers)]) editor.setDecorations(decoration, []);
  }

  function decorateVisible(editor: vscode.TextEditor): void {
    if (!applies(editor)) return clear(editor);
    const { document } = editor;
    const spans: Record<StatusClassName, CodeSpan[]> = { failure: [], deferral: [], success: [] };
    for (const range of editor.visibleRanges) {
      const first = Math.max(0, range.start.line - DECORATED_MARGIN_LINES);
      const last = Math.min(document.lineCount - 1, range.end.line + DECORATED_MARGIN_LINES);
      const some = codeSpansOfLines((line) => document.lineAt(line).text, first, last);
      for (const name of STATUS_CLASS_NAMES) spans[name].push(...some[name]);
    }
    for (const name of STATUS_CLASS_NAMES) editor.setDecorations(codes[name], spans[name].map(toRange));
  }

  function decorateRuler(editor: vscode.TextEditor): void {
    if (!applies(editor)) return;
    const { document } = editor;
    const key = document.uri.toString();
    let cached = marksByDocument.get(key);
    if (cached?.version !== document.version) {
      cached = { version: document.version, marks: failureLines((line) => document.lineAt(line).text, document.lineCount) };
      marksByDocument.set(key, cached);
    }
    editor.setDecorations(rulers.failure, cached.marks.failure.map(lineRange));
    editor.setDecorations(rulers.deferral, cached.marks.deferral.map(lineRange));
  }

  function decorateAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      decorateVisible(editor);
      decorateRuler(editor);
    }
  }

  function scheduleRuler(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(pendingRulers.get(key));
    pendingRulers.set(key, setTimeout(() => {
      pendingRulers.delete(key);
      for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) decorateRuler(editor);
    }, RULER_DEBOUNCE_MS));
  }

  const subscriptions = [
    vscode.window.onDidChangeVisibleTextEditors(decorateAll),
    vscode.window.onDidChangeTextEditorVisibleRanges(({ textEditor }) => decorateVisible(textEditor)),
    vscode.workspace.onDidChangeTextDocument(({ document, contentChanges }) => {
      if (contentChanges.length === 0) return;
      for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) decorateVisible(editor);
      scheduleRuler(document);
    }),
    // A language chosen for a document closes and reopens it.
    vscode.workspace.onDidOpenTextDocument(decorateAll),
    vscode.workspace.onDidCloseTextDocument((document) => marksByDocument.delete(document.uri.toString())),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SETTINGS_PREFIX}.${SETTINGS.decorationsEnabled}`)) decorateAll();
    }),
  ];
  decorateAll();
  return new vscode.Disposable(() => {
    for (const timer of pendingRulers.values()) clearTimeout(timer);
    for (const subscription of subscriptions) subscription.dispose();
    for (const decoration of [...Object.values(codes), ...Object.values(rulers)]) decoration.dispose();
  });
}
