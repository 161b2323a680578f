// Read-only documents of log lines gathered from other files (a message's trace, a filtered log), in the Mail Log
// language so that colours and hovers work on them, each line linked back to the line it was read from. The lines
// are kept unchanged (the grammar reads a line from its time stamp): the link is the way back.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { decompressedName } from '../core/compressedText';
import { DECOMPRESSED_SCHEME } from '../features/openCompressedLog';

export interface LinkedLine {
  readonly text: string;
  /** Where the line came from, opened at that line; none for a line of our own (a summary). */
  readonly source?: vscode.Uri;
}

/** Documents kept for reopening (VS Code closes and reopens one to change its language); older ones are dropped. */
const KEPT_DOCUMENTS = 16;
export const LINKED_LANGUAGE = 'smtp-log';

/**
 * Where line `line` (1-based) of an engine input named `name` opens: a file at that line (a .gz file's decompressed
 * document, as SMTP: Open Compressed Log shows it), or the document the name is the URI of.
 */
export function sourceLine(name: string, line: number): vscode.Uri {
  const uri = path.isAbsolute(name) ? vscode.Uri.file(name) : vscode.Uri.parse(name, true);
  const target = uri.scheme === 'file' && /\.gz$/i.test(uri.path)
    ? vscode.Uri.from({ scheme: DECOMPRESSED_SCHEME, path: decompressedName(uri.path), query: uri.toString() })
    : uri;
  return target.with({ fragment: `L${line}` });
}

/** The documents of one URI scheme: their content and links. */
export class LinkedDocuments implements vscode.Disposable {
  private readonly documents = new Map<string, readonly LinkedLine[]>();
  private readonly registrations: vscode.Disposable;
  private opened = 0;

  constructor(private readonly scheme: string) {
    this.registrations = vscode.Disposable.from(
      vscode.workspace.registerTextDocumentContentProvider(scheme, {
        provideTextDocumentContent: (uri) => this.documents.get(uri.toString())?.map((line) => line.text).join('\n') ?? '',
      }),
      vscode.languages.registerDocumentLinkProvider({ scheme }, {
        provideDocumentLinks: (document) => {
          const lines = this.documents.get(document.uri.toString()) ?? [];
          const links: vscode.DocumentLink[] = [];
          lines.forEach((line, index) => {
            if (!line.source) return;
            const link = new vscode.DocumentLink(new vscode.Range(index, 0, index, line.text.length), line.source);
            link.tooltip = `Go to ${vscode.workspace.asRelativePath(line.source.with({ fragment: '' }))}, line ${line.source.fragment.slice(1)}`;
            links.push(link);
          });
          return links;
        },
      }),
    );
  }

  /** Opens a new document titled `title` holding `lines`, in the Mail Log language. */
  async open(title: string, lines: readonly LinkedLine[]): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${title.replace(/[/\\]/g, '_')}`, query: String(++this.opened) });
    this.documents.set(uri.toString(), lines);
    for (const key of this.documents.keys()) {
      if (this.documents.size <= KEPT_DOCUMENTS) break;
      this.documents.delete(key);
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const shown = await vscode.languages.setTextDocumentLanguage(document, LINKED_LANGUAGE);
    await vscode.window.showTextDocument(shown, { preview: false });
    return shown;
  }

  dispose(): void {
    this.registrations.dispose();
    this.documents.clear();
  }
}
