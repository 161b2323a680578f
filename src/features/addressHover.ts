// Hover on an email address or a domain: offers "Look up MX for <domain>" and "Test mail servers" as command
// links. Nothing is looked up on hover: the network is touched only when the user clicks.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { escapeMarkdown } from '../core/markdown';
import { domainTokenAt } from '../core/mx';
import { HOVER_LANGUAGES } from './codeHover';

function commandLink(label: string, command: string, domain: string, tooltip: string): string {
  return `[${escapeMarkdown(label)}](command:${command}?${encodeURIComponent(JSON.stringify([domain]))} "${tooltip}")`;
}

export function registerAddressHover(): vscode.Disposable {
  const selector = HOVER_LANGUAGES.map((language) => ({ language }));
  return vscode.languages.registerHoverProvider(selector, {
    provideHover(document, position) {
      const token = domainTokenAt(document.lineAt(position.line).text, position.character);
      if (!token) return undefined;
      const markdown = new vscode.MarkdownString([
        commandLink(`Look up MX for ${token.domain}`, COMMANDS.lookupMx, token.domain, 'Ask DNS for the MX records of this domain'),
        commandLink('Test mail servers', COMMANDS.probeSmtp, token.domain, 'Connect to each MX host: greeting, EHLO, STARTTLS'),
      ].join(' · '));
      // Links run only our two commands; HTML stays off.
      markdown.isTrusted = { enabledCommands: [COMMANDS.lookupMx, COMMANDS.probeSmtp] };
      markdown.supportHtml = false;
      return new vscode.Hover(markdown, new vscode.Range(position.line, token.start, position.line, token.end));
    },
  });
}
