// Following one message in a mail log (language smtp-log or log):
//   - Shift+F12 on a queue ID, an Exim message ID, a hand-off's "queued as" ID or a message-id=<…>: every line of the
//     message, and of the messages it was handed off to or from;
//   - F12: the line where it entered (smtpd client=, pickup, Exim <=, Sendmail from=);
//   - hover: the message's life in a card (each recipient's outcome, with the bounce table's verdict);
//   - "SMTP: Trace Message…": the same for an ID or an address over the active log or the Explorer's selection (.gz,
//     folders), read as the CLI reads them, into a read-only document of the lines, each linked to its source line.
// The index of a document is built on the first request and dropped when the document changes or closes.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { domainTokenAt } from '../core/mx';
import { buildDocumentIndex, messageAt, queryAt, type MessagesAt } from '../core/trace/editor';
import { summaryLines, traceCard } from '../core/trace/format';
import type { MessageIndex, TracedLine } from '../core/trace';
import { traceMessages, type TraceResult } from '../core/trace/trace';
import { bounceInputsFor } from '../editor/bounceInputs';
import { readWithProgress } from '../editor/engineReading';
import { currentBouncePolicy } from '../editor/bouncePolicySetting';
import { LinkedDocuments, sourceLine } from '../editor/linkedLines';

/** The languages a mail log opens in: ours, and VS Code's own for .log files. */
export const TRACE_LANGUAGES = ['smtp-log', 'log'] as const;
/** Scheme of the trace documents. */
export const TRACE_SCHEME = 'smtp-diagnostics-trace';

/** Per open document, its index at one version (a promise: a big document's index is built in slices, and the
 * requests that come meanwhile wait for the same one). */
class DocumentIndexes implements vscode.Disposable {
  private readonly indexes = new Map<string, { version: number; index: Promise<MessageIndex | undefined> }>();
  private readonly watchers = vscode.Disposable.from(
    vscode.workspace.onDidCloseTextDocument((document) => this.indexes.delete(document.uri.toString())),
    // Rebuilt on the next request, not on every keystroke.
    vscode.workspace.onDidChangeTextDocument((event) => this.indexes.delete(event.document.uri.toString())),
  );

  /** The document's index; undefined when the document changed while it was built. */
  of(document: vscode.TextDocument): Promise<MessageIndex | undefined> {
    const key = document.uri.toString();
    const known = this.indexes.get(key);
    if (known && known.version === document.version) return known.index;
    const version = document.version;
    const lines = function* () { for (let line = 0; line < document.lineCount; line++) yield document.lineAt(line).text; };
    const index = buildDocumentIndex(lines(), key, currentBouncePolicy(document.uri), () => document.version !== version || document.isClosed);
    this.indexes.set(key, { version, index });
    return index;
  }

  dispose(): void {
    this.watchers.dispose();
    this.indexes.clear();
  }
}

/** The range of a message's ID on one of its lines. */
function idRange(line: TracedLine, id: string): vscode.Range {
  return new vscode.Range(line.line - 1, line.idStart, line.line - 1, line.idStart + id.length);
}

/** Every line of the messages as locations, in document order, each on the ID. */
function locationsOf(uri: vscode.Uri, found: MessagesAt): vscode.Location[] {
  return found.messages
    .flatMap((message) => message.lines.map((line) => ({ line, id: message.id })))
    .sort((a, b) => a.line.line - b.line.line)
    .map(({ line, id }) => new vscode.Location(uri, idRange(line, id)));
}

/** The trace command's link for the card: our own command, its argument JSON-encoded. */
function traceLink(query: string): string {
  return `[Trace this message](command:${COMMANDS.traceMessage}?${encodeURIComponent(JSON.stringify([query]))} "Every line of this message, in a new editor")`;
}

export interface TraceCommandOptions {
  /** The query, instead of asking. */
  readonly query?: string;
  readonly signal?: AbortSignal;
}

export function registerTraceMessage(): vscode.Disposable {
  const indexes = new DocumentIndexes();
  const documents = new LinkedDocuments(TRACE_SCHEME);
  const selector = TRACE_LANGUAGES.map((language) => ({ language }));
  const found = async (document: vscode.TextDocument, position: vscode.Position) => {
    const text = document.lineAt(position.line).text;
    // Only where an ID is: no index is built for a request anywhere else.
    if (!queryAt(text, position.character)) return undefined;
    const index = await indexes.of(document);
    return index && messageAt(index, text, position.character);
  };

  const references = vscode.languages.registerReferenceProvider(selector, {
    async provideReferences(document, position) {
      const messages = await found(document, position);
      return messages ? locationsOf(document.uri, messages) : undefined;
    },
  });
  const definition = vscode.languages.registerDefinitionProvider(selector, {
    async provideDefinition(document, position) {
      const messages = await found(document, position);
      return messages ? new vscode.Location(document.uri, idRange(messages.entry, messages.entryId)) : undefined;
    },
  });
  const hover = vscode.languages.registerHoverProvider(selector, {
    async provideHover(document, position, token) {
      const messages = await found(document, position);
      if (!messages || token.isCancellationRequested) return undefined;
      const markdown = new vscode.MarkdownString(traceCard(messages.messages, traceLink(messages.query)));
      // The card's text from the log is escaped; only our trace command may run from it, and HTML stays off.
      markdown.isTrusted = { enabledCommands: [COMMANDS.traceMessage] };
      markdown.supportHtml = false;
      return new vscode.Hover(markdown, new vscode.Range(position.line, messages.start, position.line, messages.end));
    },
  });

  const command = vscode.commands.registerCommand(COMMANDS.traceMessage, async (target?: unknown, uris?: unknown, options: TraceCommandOptions = {}): Promise<TraceResult | undefined> => {
    const given = typeof target === 'string' ? target : options.query;
    const source = await bounceInputsFor(typeof target === 'string' ? undefined : target, uris);
    if (!source) {
      void vscode.window.showInformationMessage('Open a mail log, or select log files in the Explorer, to trace a message.');
      return undefined;
    }
    const query = given ?? await vscode.window.showInputBox({
      title: 'SMTP: Trace Message', value: queryUnderCursor(), prompt: 'A queue ID, an Exim message ID, a Message-ID (<id@host>) or an address',
      validateInput: (value) => (value.trim() ? undefined : 'Type an ID or an address'),
    });
    if (!query?.trim()) return undefined;
    const result = await readWithProgress(`Tracing ${query} in ${source.label}`, 'Trace cancelled.', options.signal, (reading) => traceMessages(query, source.inputs, reading));
    if (!result) return undefined;
    if (result.messages.length === 0) {
      void vscode.window.showInformationMessage(`No message matches ${query} in ${source.label}.`);
      return result;
    }
    const problems = result.problems.map((problem) => `${vscode.workspace.asRelativePath(problem.file)}: ${problem.problem}`);
    if (problems.length) void vscode.window.showWarningMessage(`Some inputs were not read: ${problems.join('; ')}`);
    const lines = [
      ...summaryLines(result.messages).map((text) => ({ text })),
      { text: '' },
      ...result.lines.map((line) => ({ text: line.text ?? '', source: sourceLine(line.file, line.line) })),
    ];
    await documents.open(`Trace ${query}`, lines);
    return result;
  });

  return vscode.Disposable.from(indexes, documents, references, definition, hover, command);
}

/** The ID, Message-ID or address under the cursor of the active editor, to offer in the input box. */
function queryUnderCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const position = editor.selection.active;
  const text = editor.document.lineAt(position.line).text;
  const selected = editor.document.getText(editor.selection).trim();
  if (selected && !selected.includes('\n')) return selected;
  const token = domainTokenAt(text, position.character);
  return queryAt(text, position.character)?.query ?? (token?.text.includes('@') ? token.text : undefined);
}
