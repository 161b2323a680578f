// "SMTP: Explain Status Code…": opens the full explanation of a code as a read-only Markdown preview and returns
// its Markdown text (for tests and other extensions). Without an argument it offers a quick pick of every code.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { codeAt } from '../core/codes/recognize';
import { renderExplanationMarkdown } from '../core/explain/render';
import { canonicalCode, explainCode, listCodes } from '../core/knowledge';
import { currentBouncePolicy } from '../editor/bouncePolicySetting';

/** Virtual documents `smtp-diagnostics:/5.3.2.md`: generated on demand, never written to disk, never editable. */
const EXPLANATION_SCHEME = 'smtp-diagnostics';

export function registerExplainCommand(): vscode.Disposable {
  // Firing for a URI makes VS Code ask again, so an explanation already open follows a changed bounce policy.
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    provideTextDocumentContent: (uri) => markdownFor(uri.path.replace(/^\//, '').replace(/\.md$/, '')) ?? '',
  };
  return vscode.Disposable.from(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(EXPLANATION_SCHEME, provider),
    vscode.commands.registerCommand(COMMANDS.explainCode, (argument?: unknown) => explainCommand(argument, changed)),
  );
}

function markdownFor(code: string): string | undefined {
  const explanation = explainCode(code, currentBouncePolicy());
  return explanation && renderExplanationMarkdown(explanation);
}

/** The command: a string argument is the code; anything else (none, or a URI from a menu) asks for one. */
async function explainCommand(argument: unknown, changed: vscode.EventEmitter<vscode.Uri>): Promise<string | undefined> {
  const asked = typeof argument === 'string' ? argument : await pickCode();
  if (asked === undefined) return undefined;
  const code = canonicalCode(asked);
  const markdown = code === undefined ? undefined : markdownFor(code);
  if (code === undefined || markdown === undefined) {
    // Not awaited: the message stays until dismissed, and the command must return now.
    // The text is shown with anything but letters, digits, dots and dashes replaced: notifications render links.
    const shown = asked.slice(0, 40).replace(/[^\w.\- ]/g, '?');
    void vscode.window.showErrorMessage(`"${shown}" is not an SMTP status code. Give an enhanced code such as 5.3.2 or a reply code such as 550.`);
    return undefined;
  }
  const uri = vscode.Uri.from({ scheme: EXPLANATION_SCHEME, path: `/${code}.md` });
  changed.fire(uri);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return markdown;
}

/** A searchable list of every code (title in the description), pre-filled with the code under the cursor. */
function pickCode(): Promise<string | undefined> {
  const quickPick = vscode.window.createQuickPick();
  quickPick.title = 'Explain SMTP status code';
  quickPick.placeholder = 'Type a code (5.3.2, 550) or words from its title';
  quickPick.matchOnDescription = true;
  quickPick.items = listCodes().map((entry) => ({ label: entry.code, description: entry.title }));
  quickPick.value = codeUnderCursor() ?? '';
  return new Promise((resolve) => {
    let chosen: string | undefined;
    quickPick.onDidAccept(() => {
      // A typed code that is not in the list (an unregistered detail such as 5.3.9) is explained too.
      chosen = quickPick.selectedItems[0]?.label ?? (quickPick.value.trim() || undefined);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      quickPick.dispose();
      resolve(chosen);
    });
    quickPick.show();
  });
}

function codeUnderCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const position = editor.selection.active;
  const mention = codeAt(editor.document.lineAt(position.line).text, position.character);
  return mention?.enhanced?.code ?? mention?.reply?.code;
}
