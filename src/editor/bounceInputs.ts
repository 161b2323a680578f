// What the bounce commands of src/features/ read: the URIs they were given (Explorer selection or a caller's
// argument) or the active editor's current text, unsaved edits included. Text read here carries its file's
// modification time, which dates syslog stamps (they have no year), as the engine does for files it reads itself.
import * as vscode from 'vscode';
import type { BounceInput } from '../core/bounce';
import { DECOMPRESSED_SCHEME, decompressedUri } from '../features/openCompressedLog';

/**
 * How the editor reads the folders it is given: symlinked folders are followed, as VS Code's search does; each real
 * folder and file is still read once.
 */
export const EDITOR_READING = { followSymlinks: true } as const;

/** The inputs for a command invoked as (uri?, uris?); undefined when there is nothing to read. */
export async function bounceInputsFor(uri?: unknown, uris?: unknown): Promise<{ inputs: BounceInput[]; label: string } | undefined> {
  const given = (Array.isArray(uris) && uris.length ? uris : Array.isArray(uri) ? uri : uri ? [uri] : []).filter((item): item is vscode.Uri => item instanceof vscode.Uri);
  if (given.length > 0) {
    const inputs: BounceInput[] = [];
    for (const item of given) {
      // Files on disk are streamed; other schemes (remote, virtual) are read through VS Code.
      if (item.scheme === 'file') inputs.push({ path: item.fsPath });
      else inputs.push({ name: item.toString(), text: new TextDecoder().decode(await vscode.workspace.fs.readFile(item)), modified: await modifiedTime(item) });
    }
    return { inputs, label: given.map((item) => vscode.workspace.asRelativePath(item)).join(', ') };
  }
  const document = vscode.window.activeTextEditor?.document;
  if (!document) return undefined;
  // A decompressed log is named by its compressed file: records then point at maillog.2.gz, line for line.
  const source = document.uri.scheme === DECOMPRESSED_SCHEME ? vscode.Uri.parse(document.uri.query, true) : document.uri;
  // Unsaved edits are newer than the file: the engine then dates by the current time.
  const modified = document.isDirty ? undefined : await modifiedTime(source);
  return { inputs: [{ name: source.scheme === 'file' ? source.fsPath : source.toString(), text: document.getText(), modified }], label: vscode.workspace.asRelativePath(source) };
}

/** When the file behind `uri` was last written; undefined when it is none (an untitled document) or cannot be read. */
async function modifiedTime(uri: vscode.Uri): Promise<number | undefined> {
  try {
    // A file system provider that does not know the time says 0.
    return (await vscode.workspace.fs.stat(uri)).mtime || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The document an input name given above stands for, where its line numbers point: a path's file, a URI's document
 * (an unsaved editor's "untitled:Untitled-1"), and for a gzip file the decompressed document, whose lines the
 * engine counted.
 */
export function sourceDocumentUri(name: string): vscode.Uri {
  // A scheme has two or more characters: "C:\maillog" is a Windows path.
  const uri = /^[a-z][a-z0-9+.-]+:/i.test(name) ? vscode.Uri.parse(name, true) : vscode.Uri.file(name);
  return /\.gz$/i.test(uri.path) ? decompressedUri(uri) : uri;
}
