// Hover on an SMTP status code in a mail log, a bounce message or any plain-text/log document: a compact card
// that explains the code, with links to the full explanation and to an MX lookup of the line's domain.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { hoverCardAt } from '../core/codes/hoverCard';
import { currentBouncePolicy } from '../editor/bouncePolicySetting';

/** Our grammar languages (mail logs, bounce messages) and VS Code's built-in log and plain-text documents. */
export const HOVER_LANGUAGES = ['smtp-log', 'eml', 'log', 'plaintext'] as const;

// The MX lookup command belongs to the MX feature; the card only links to it.
const HOVER_COMMANDS = { explainCode: COMMANDS.explainCode, lookupMx: COMMANDS.lookupMx };

export function registerCodeHover(): vscode.Disposable {
  const selector = HOVER_LANGUAGES.map((language) => ({ language }));
  return vscode.languages.registerHoverProvider(selector, { provideHover });
}

function provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): vscode.Hover | undefined {
  if (token.isCancellationRequested) return undefined;
  const card = hoverCardAt(document.lineAt(position.line).text, position.character, HOVER_COMMANDS, currentBouncePolicy(document.uri), recipientDomainNear(document, position.line));
  if (!card || token.isCancellationRequested) return undefined;
  const markdown = new vscode.MarkdownString(card.markdown);
  // Command links work only for our own commands; the card's text is escaped, and HTML stays off.
  markdown.isTrusted = { enabledCommands: [HOVER_COMMANDS.explainCode, HOVER_COMMANDS.lookupMx] };
  markdown.supportHtml = false;
  return new vscode.Hover(markdown, new vscode.Range(position.line, card.start, position.line, card.end));
}

const RECIPIENT_FIELD = /^(?:Final|Original)-Recipient:\s*(?:[\w-]+;)?\s*<?[^\s<>@]+@([^\s<>;]+)/i;
/** How far from the code a DSN's recipient field is looked for: one recipient block. */
const RECIPIENT_BLOCK_LINES = 12;

/** In a bounce message, the domain of the recipient block's Final- or Original-Recipient around `line`. */
function recipientDomainNear(document: vscode.TextDocument, line: number): string | undefined {
  if (document.languageId !== 'eml') return undefined;
  for (let index = line; index >= Math.max(0, line - RECIPIENT_BLOCK_LINES); index--) {
    const text = document.lineAt(index).text;
    const match = RECIPIENT_FIELD.exec(text);
    if (match) return match[1].replace(/\.$/, '');
    if (text.trim() === '' && index < line) break;
  }
  return undefined;
}
