// The messages between the bounce report's webview and the extension. The extension takes only these shapes from
// the webview (whatever else arrives is dropped), and sends the report as data, never as HTML.
import type { ReportModel, SourceLine } from '../core/bounce/reportModel';

/** From the extension to the webview. */
export type ToReportView = { readonly type: 'report'; readonly model: ReportModel };

/** From the webview to the extension. */
export type FromReportView =
  | { readonly type: 'ready' }
  | { readonly type: 'openSource'; readonly source: SourceLine }
  | { readonly type: 'openMarkdown' };

/** A message from the webview if it is one of ours, with no other fields; else undefined. */
export function fromReportView(message: unknown): FromReportView | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, source } = message as Record<string, unknown>;
  if (type === 'ready' || type === 'openMarkdown') return { type };
  if (type !== 'openSource' || typeof source !== 'object' || source === null) return undefined;
  const { file, line } = source as Record<string, unknown>;
  if (typeof file !== 'string' || !Number.isSafeInteger(line) || (line as number) < 1) return undefined;
  return { type, source: { file, line: line as number } };
}
