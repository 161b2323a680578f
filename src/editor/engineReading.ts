// How the commands that read logs and messages through the engine (extract, filter, trace) run it: in a progress
// notification with Cancel, also cancelled by a caller's signal (tests), reporting the megabytes read; a cancelled
// reading gives undefined, and says so in a message when the command has one.
import * as vscode from 'vscode';
import { ExtractionCancelled } from '../core/bounce';
import type { BouncePolicy } from '../core/knowledge/types';
import { EDITOR_READING } from './bounceInputs';
import { currentBouncePolicy } from './bouncePolicySetting';

/** The options every engine reading of the editor takes. */
export interface EditorReading {
  readonly followSymlinks: boolean;
  readonly policy: BouncePolicy;
  readonly signal: AbortSignal;
  readonly onProgress: (bytes: number) => void;
}

export async function readWithProgress<T>(title: string, cancelled: string | undefined, signal: AbortSignal | undefined, read: (reading: EditorReading) => Promise<T>): Promise<T | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      signal?.addEventListener('abort', () => controller.abort());
      if (signal?.aborted) controller.abort();
      return read({
        ...EDITOR_READING, policy: currentBouncePolicy(), signal: controller.signal,
        onProgress: (bytes) => progress.report({ message: `${(bytes / 1048576).toFixed(1)} MB read` }),
      });
    });
  } catch (error) {
    if (!(error instanceof ExtractionCancelled)) throw error;
    if (cancelled) void vscode.window.showInformationMessage(cancelled);
    return undefined;
  }
}
