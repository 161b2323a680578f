// Double-clicking a rotated mail log such as maillog.2.gz: VS Code would only say the file is binary. This
// custom editor, the default for compressed mail-log names only (package.json customEditors), hands the file to
// "SMTP: Open Compressed Log" and closes itself, so the decompressed log opens in its place.
import * as vscode from 'vscode';
import { COMMANDS, CUSTOM_EDITORS } from '../contributions';

/** What shows for the moment the decompression takes; static text, nothing from the file. */
const OPENING_HTML = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none';"></head>
<body><p>Opening the decompressed log…</p></body></html>`;

export function registerCompressedLogEditor(): vscode.Disposable {
  const provider: vscode.CustomReadonlyEditorProvider = {
    openCustomDocument: (uri) => ({ uri, dispose: () => undefined }),
    async resolveCustomEditor(document, panel) {
      panel.webview.html = OPENING_HTML;
      try {
        await vscode.commands.executeCommand(COMMANDS.openCompressedLog, document.uri);
      } finally {
        panel.dispose();
      }
    },
  };
  return vscode.window.registerCustomEditorProvider(CUSTOM_EDITORS.compressedLog, provider, { supportsMultipleEditorsPerDocument: false });
}
