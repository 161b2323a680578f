import * as vscode from 'vscode';

/** The "SMTP Diagnostics" output channel, where features report what they did and what went wrong. */
export function createOutputLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('SMTP Diagnostics', { log: true });
}
