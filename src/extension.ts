// Table of contents of the extension: each line registers one editor feature from src/features/.
import * as vscode from 'vscode';
import { createOutputLog } from './features/outputLog';

export function activate(context: vscode.ExtensionContext): void {
  const log = createOutputLog();
  context.subscriptions.push(log);
  log.info(`SMTP Diagnostics ${context.extension.packageJSON.version} active in VS Code ${vscode.version}`);
}

export function deactivate(): void {
  // Every feature is a Disposable in context.subscriptions; VS Code disposes them.
}
