import * as vscode from 'vscode';

/** The "SMTP Diagnostics" output channel: the extension says there which version is active, in which VS Code. */
export function createOutputLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('SMTP Diagnostics', { log: true });
}
