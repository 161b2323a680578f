// Gzip-compressed text (logrotate's maillog.2.gz, a zipped .eml) decompressed for reading. Nothing is lost quietly:
// the readable part of a truncated or damaged file is kept and the reason said, and a size cap stops at a line end.
import { decompressed, sniffKind } from './bounce/input';

export interface DecompressedText {
  readonly text: string;
  /** Why the text is not the whole content (truncated, damaged, over the size cap); undefined when it is. */
  readonly problem?: string;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file name without its compression suffix: "maillog.2.gz" → "maillog.2", "bounces.tgz" → "bounces.tar". */
export function decompressedName(name: string): string {
  return name.replace(/\.tgz$/i, '.tar').replace(/\.gz$/i, '');
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;

/**
 * Decompresses gzip data (several members, as `cat a.gz b.gz` makes, included) to UTF-8 text of at most
 * `maxBytes`. Throws, with a message for the user, when the data is not gzip, yields nothing readable, or is binary.
 */
export async function gunzipText(bytes: Uint8Array, maxBytes: number): Promise<DecompressedText> {
  if (!isGzip(bytes)) throw new Error('not gzip-compressed data');
  const chunks: Buffer[] = [];
  let size = 0;
  let problem: string | undefined;
  try {
    const source = (async function* () { yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); })();
    const trailing = () => { problem ??= 'bytes that are not gzip data follow the compressed data: they are not shown'; };
    for await (const chunk of decompressed(source, () => {}, trailing)) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        problem = `over ${megabytes(maxBytes)} decompressed: only the first ${megabytes(maxBytes)} are shown`;
        break;
      }
    }
  } catch (error) {
    if (size === 0) throw new Error(`corrupt or truncated compressed data (${(error as Error).message})`);
    problem = `truncated or corrupt compressed data (${(error as Error).message}): the ${size.toLocaleString('en')} bytes before it are shown`;
  }
  let content = Buffer.concat(chunks);
  if (content.length > maxBytes) {
    // Cut at the last line end within the cap, so no line is shown half.
    const end = content.lastIndexOf(10, maxBytes - 1);
    content = content.subarray(0, end >= 0 ? end + 1 : maxBytes);
  }
  if (content.length > 0 && !sniffKind(content)) throw new Error('binary content once decompressed, not a text log or message');
  return { text: new TextDecoder().decode(content), problem };
}
