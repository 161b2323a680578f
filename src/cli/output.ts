// What the CLI prints: in blocks, as fast as the reader takes them, and nothing more once the reader is gone.
import { drainedOrClosed } from '../core/bounce/drain';
import { escapeUnsafe } from '../core/bounce/safeText';
import type { SkippedInput } from '../core/bounce';

/** Pieces are joined into blocks of about this many characters: few writes, and never one string of it all. */
const BLOCK_CHARS = 1 << 16;

/**
 * Keeps write errors of a stream from crashing the process. EPIPE, the reader gone (`smtp-diag extract | head -1`),
 * is the normal end of output, as for grep; the first other error (a full disk) is returned, for the exit status.
 */
export function watchWriteErrors(stream: NodeJS.WritableStream): () => Error | undefined {
  let failure: Error | undefined;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') failure ??= error;
  });
  return () => failure;
}

/** Writes the pieces in blocks, each after the stream drained the one before; stops when the stream closes. */
export async function writePieces(stream: NodeJS.WritableStream, pieces: Iterable<string>): Promise<void> {
  let block = '';
  for (const piece of pieces) {
    block += piece;
    if (block.length < BLOCK_CHARS) continue;
    if (!(await writeBlock(stream, block))) return;
    block = '';
  }
  if (block) await writeBlock(stream, block);
}

/** False when the stream takes nothing more. */
async function writeBlock(stream: NodeJS.WritableStream, block: string): Promise<boolean> {
  if (!stream.writable) return false;
  if (!stream.write(block)) await drainedOrClosed(stream);
  return stream.writable;
}

/** Text made of lines, each with its terminal-acting characters escaped, line by line. */
export function* terminalSafeLines(text: string): Generator<string> {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) yield `${escapeUnsafe(lines[index])}${index < lines.length - 1 ? '\n' : ''}`;
}

/** One stderr line per problem, its file name and text escaped: a newline in a name cannot forge a line. */
export function writeProblems(stream: NodeJS.WritableStream, command: string, problems: readonly SkippedInput[]): void {
  for (const { file, problem } of problems) stream.write(`smtp-diag ${command}: ${escapeUnsafe(file)}: ${escapeUnsafe(problem)}\n`);
}
