// Table of contents of the extension: each line registers one editor feature from src/features/.
import * as vscode from 'vscode';
import { createOutputLog } from './features/outputLog';
import { registerCodeHover } from './features/codeHover';
import { registerExplainCommand } from './features/explainCommand';
import { registerExtractHardBounces } from './features/extractHardBounces';
import { registerBounceReport } from './features/bounceReport';
import { registerLookupMx } from './features/lookupMx';
import { registerProbeSmtp } from './features/probeSmtp';
import { registerCheckBouncedDomains } from './features/checkBouncedDomains';
import { registerAddressHover } from './features/addressHover';
import { registerOpenCompressedLog } from './features/openCompressedLog';
import { registerCompressedLogEditor } from './features/compressedLogEditor';
import { registerStatusColours } from './features/statusColours';
import { registerBounceStatusBar } from './features/bounceStatusBar';
import { registerMessageStructure } from './features/messageStructure';
import { registerDecodedPart } from './features/decodedPart';
import { registerTraceMessage } from './features/traceMessage';
import { registerFilterMailLog } from './features/filterMailLog';

export function activate(context: vscode.ExtensionContext): void {
  const log = createOutputLog();
  context.subscriptions.push(log);
  context.subscriptions.push(registerCodeHover());
  context.subscriptions.push(registerExplainCommand());
  context.subscriptions.push(registerExtractHardBounces());
  context.subscriptions.push(registerBounceReport(context.extensionUri));
  context.subscriptions.push(registerLookupMx());
  context.subscriptions.push(registerProbeSmtp());
  context.subscriptions.push(registerCheckBouncedDomains());
  context.subscriptions.push(registerAddressHover());
  context.subscriptions.push(registerOpenCompressedLog());
  context.subscriptions.push(registerCompressedLogEditor());
  context.subscriptions.push(registerStatusColours());
  context.subscriptions.push(registerBounceStatusBar());
  context.subscriptions.push(registerMessageStructure());
  context.subscriptions.push(registerDecodedPart());
  context.subscriptions.push(registerTraceMessage());
  context.subscriptions.push(registerFilterMailLog());
  log.info(`SMTP Diagnostics ${context.extension.packageJSON.version} active in VS Code ${vscode.version}`);
}

export function deactivate(): void {
  // Every feature is a Disposable in context.subscriptions; VS Code disposes them.
}
