// The lines of the map step's output as `smtp-diag merge` reads them (merge.ts): UTF-8 decoded, a batch per chunk
// read, CRLF read as LF. Not the log splitter (logLines.ts), which reads U+2028 as a space and cuts lines at 4 MB
// into pieces: either would change a JSON line.
import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is no line of extract's output (its diagnostics are clipped): it is not held whole. */
export const MAX_LINE_CHARS = 16 << 20;

/** The lines of a stream, a batch per chunk read (without their CR before LF); a line longer than MAX_LINE_CHARS
 * comes as undefined. */
export async function* lineBatches(stream: AsyncIterable<Buffer | string>): AsyncGenerator<(string | undefined)[]> {
  const decoder = new StringDecoder('utf8');
  // The line being read, in pieces until its end arrives (joining at each chunk would make a long line quadratic).
  let pieces: string[] = [];
  let pending = 0;
  const keep = (text: string) => {
    pending += text.length;
    if (pending <= MAX_LINE_CHARS) pieces.push(text);
  };
  const line = (text: string) => (text.length > MAX_LINE_CHARS ? undefined : text.endsWith('\r') ? text.slice(0, -1) : text);
  const ended = (last: string) => {
    const whole = pending + last.length > MAX_LINE_CHARS ? undefined : line(pieces.join('') + last);
    pieces = [];
    pending = 0;
    return whole;
  };
  for await (const chunk of stream) {
    const text = decoder.write(chunk);
    const lastBreak = text.lastIndexOf('\n');
    if (lastBreak < 0) {
      keep(text);
      continue;
    }
    const lines = text.slice(0, lastBreak).split('\n');
    const batch = [ended(lines[0])];
    for (let index = 1; index < lines.length; index++) batch.push(line(lines[index]));
    keep(text.slice(lastBreak + 1));
    yield batch;
  }
  keep(decoder.end());
  if (pending > 0) yield [ended('')];
}
