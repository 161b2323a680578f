// Command "SMTP: Open Compressed Log" (also in the Explorer menu of .gz files): shows a gzip-compressed log or
// message, such as logrotate's maillog.2.gz, decompressed in a read-only editor. The document is named like the
// file without ".gz", so it gets the language that name has (Mail Log for maillog.2) and the hover and bounce
// commands work on it as on any log. The compressed file is only read.
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { decompressedName, gunzipText } from '../core/compressedText';

/** Scheme of the decompressed documents; the query holds the compressed file's URI. */
export const DECOMPRESSED_SCHEME = 'smtp-diagnostics-gz';
/** Beyond this, an editor is the wrong tool: the extraction command and the CLI stream any size. */
const MAX_DECOMPRESSED_BYTES = 64 << 20;

export interface OpenedCompressedLog {
  readonly document: vscode.TextDocument;
  /** Why the document holds only part of the content, as also shown in a warning. */
  readonly problem?: string;
}

/** The read-only decompressed document of a gzip file. */
export function decompressedUri(source: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: DECOMPRESSED_SCHEME, path: decompressedName(source.path), query: source.toString() });
}

export function registerOpenCompressedLog(): vscode.Disposable {
  const problems = new Map<string, string>();
  const provider: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const source = vscode.Uri.parse(uri.query, true);
      const { text, problem } = await gunzipText(await vscode.workspace.fs.readFile(source), MAX_DECOMPRESSED_BYTES);
      if (problem) problems.set(uri.toString(), problem);
      else problems.delete(uri.toString());
      return text;
    },
  };
  const command = vscode.commands.registerCommand(COMMANDS.openCompressedLog, async (given?: unknown): Promise<OpenedCompressedLog | undefined> => {
    const source = given instanceof vscode.Uri ? given : (await vscode.window.showOpenDialog({
      canSelectMany: false, openLabel: 'Open Decompressed', filters: { 'Gzip-compressed logs and messages': ['gz'] },
    }))?.[0];
    if (!source) return undefined;
    const name = source.path.slice(source.path.lastIndexOf('/') + 1);
    const target = decompressedUri(source);
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(target);
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot open ${name}: ${(error as Error).message}`);
      return undefined;
    }
    await vscode.window.showTextDocument(document, { preview: false });
    const problem = problems.get(target.toString());
    if (problem) void vscode.window.showWarningMessage(`${name}: ${problem}`);
    return { document, problem };
  });
  return vscode.Disposable.from(vscode.workspace.registerTextDocumentContentProvider(DECOMPRESSED_SCHEME, provider), command);
}
