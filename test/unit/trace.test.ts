// Message tracing: the index of lines per message, hand-offs, Message-ID and address queries, the byte-level line
// search, and the CLI command, on the fixture logs of the test workspace (also used by the editor's tests).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { fileBlocks, linesOf } from '../../src/core/bounce/input';
import { linesHolding } from '../../src/core/trace/grep';
import { BlockSearch } from '../../src/core/trace/byteSearch';
import { execFileSync } from 'node:child_process';
import { MAX_LINES_KEPT, MAX_OMITTED_COUNTED, MAX_TEXT_PER_MESSAGE, MAX_TRACED_MESSAGES, MessageIndex, parseTraceLine } from '../../src/core/trace';
import { MAX_PENDING, PendingMap } from '../../src/core/bounce/logs/recognizer';
import { traceCard } from '../../src/core/trace/format';
import { buildDocumentIndex, messageAt } from '../../src/core/trace/editor';
import { traceMessages } from '../../src/core/trace/trace';
import { filterLogLines, type LogFilter } from '../../src/core/trace/filter';
import { runCliCaptured } from '../helpers/runCliCaptured';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'trace');
const fixture = (name: string) => join(FIXTURES, name);
const POSTFIX = fixture('postfix-amavis.log');
const EXIM = fixture('exim.log');
const SENDMAIL = fixture('sendmail.log');

async function traced(query: string, file: string) {
  const result = await traceMessages(query, [{ path: file }]);
  return { result, ids: result.messages.map((message) => message.id), lines: result.lines.map((line) => line.line) };
}

/** The numbers of the fixture's lines that hold any of `ids`' own lines (the ID after the program tag). */
function linesOfIds(file: string, ids: readonly string[]): number[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((text, index) => (ids.includes(parseTraceLine(text)?.id ?? '') ? [index + 1] : []));
}

describe('message trace: Postfix with an amavis hand-off', () => {
  const chain = ['4C1D2E3F4A', '7E8F9A0B1C'];
  const expected = linesOfIds(POSTFIX, chain);

  it('follows a queue ID through the content filter to the ID it was queued under', async () => {
    const { ids, lines, result } = await traced('4C1D2E3F4A', POSTFIX);
    assert.deepEqual(ids, chain);
    assert.deepEqual(lines, expected);
    assert.deepEqual(lines, [2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 25, 26, 27, 28, 29]);
    assert.ok(result.complete);
    assert.equal(result.lines[0].text, readFileSync(POSTFIX, 'utf8').split('\n')[1]);
  });

  it('follows the filter\'s ID back to the message that was handed off', async () => {
    assert.deepEqual((await traced('7E8F9A0B1C', POSTFIX)).lines, expected);
  });

  it('finds the same messages by their Message-ID, with or without brackets or the field name', async () => {
    for (const query of ['<20250303100001.1234@sender.example>', '20250303100001.1234@sender.example', 'message-id=<20250303100001.1234@sender.example>']) {
      assert.deepEqual((await traced(query, POSTFIX)).lines, expected, query);
    }
  });

  it('finds every message to or from an address', async () => {
    assert.deepEqual((await traced('bob@example.net', POSTFIX)).lines, expected);
    assert.deepEqual((await traced('news@sender.example', POSTFIX)).lines, expected);
    assert.deepEqual((await traced('dave@example.com', POSTFIX)).lines, [19, 20, 21, 22, 23]);
  });

  it('summarises each message: entry, sender, size, client, next hop and each recipient\'s outcome with its verdict', async () => {
    const [first, second] = (await traced('4C1D2E3F4A', POSTFIX)).result.messages;
    assert.equal(first.entry?.line, 2);
    assert.deepEqual([first.sender, first.size, first.client, first.messageId], ['news@sender.example', 4821, 'mail.sender.example[192.0.2.10]', '20250303100001.1234@sender.example']);
    assert.deepEqual(first.handedOffTo, ['7E8F9A0B1C']);
    assert.deepEqual(second.handedOffFrom, ['4C1D2E3F4A']);
    assert.equal(second.entry?.line, 7);
    assert.deepEqual([second.firstDate, second.lastDate, second.delay], ['Mar  3 10:00:04', 'Mar  3 10:15:10', '906']);
    const outcomes = [...second.recipients.values()].map((recipient) => [recipient.address, recipient.outcome, recipient.deferrals, recipient.type]);
    assert.deepEqual(outcomes, [
      ['alice@example.com', 'delivered', 0, 'none'],
      ['bob@example.net', 'failed', 0, 'hard'],
      ['carol@example.org', 'delivered', 2, 'none'],
    ]);
    assert.equal(second.recipients.get('bob@example.net')?.status, '5.1.1');
  });

  it('is the same from stdin, from a .gz file and when the file is read in pieces of 7 bytes', async () => {
    const text = readFileSync(POSTFIX);
    const expectedText = (await traced('4C1D2E3F4A', POSTFIX)).result.lines.map((line) => line.text);
    const stream = Readable.from(Array.from({ length: Math.ceil(text.length / 7) }, (_, i) => text.subarray(i * 7, i * 7 + 7)));
    for (const input of [{ name: 'stdin', stream }, { name: 'gz', stream: Readable.from([gzipSync(text)]) }]) {
      const result = await traceMessages('4C1D2E3F4A', [input]);
      assert.deepEqual(result.lines.map((line) => line.text), expectedText, input.name);
      assert.ok(result.lines.every((line) => line.file === input.name));
    }
  });

  it('finds nothing for an ID the log does not have, and says so through an empty result', async () => {
    const { ids, lines } = await traced('ABCDEF1234', POSTFIX);
    assert.deepEqual([ids, lines], [[], []]);
  });
});

describe('message trace: Exim with an id= hand-off', () => {
  const expected = [1, 2, 3, 4, 5, 6, 7, 9];

  it('follows a message ID to the ID the filter\'s "250 OK id=" gave, and not into the bounce it caused', async () => {
    const { ids, lines } = await traced('1tAbCd-0001Xy-9Z', EXIM);
    assert.deepEqual(ids, ['1tAbCd-0001Xy-9Z', '1tAbCe-0001Xz-AB']);
    assert.deepEqual(lines, expected);
  });

  it('finds the messages by Message-ID (Exim\'s id=) and by address', async () => {
    assert.deepEqual((await traced('<20250303100001.5678@sender.example>', EXIM)).lines, expected);
    assert.deepEqual((await traced('bob@example.net', EXIM)).lines, expected);
    assert.deepEqual((await traced('dave@example.com', EXIM)).lines, [12, 13, 14]);
  });

  it('reads the arrival line and the failure', async () => {
    const [first, second] = (await traced('1tAbCd-0001Xy-9Z', EXIM)).result.messages;
    assert.deepEqual([first.entry?.line, first.sender, first.size, first.messageId], [1, 'news@sender.example', 4821, '20250303100001.5678@sender.example']);
    const bob = second.recipients.get('bob@example.net');
    assert.deepEqual([bob?.outcome, bob?.status, bob?.type, bob?.reason], ['failed', '5.1.1', 'hard', 'user-unknown']);
  });
});

describe('message trace: Sendmail', () => {
  it('finds a queue ID\'s lines, by ID, Message-ID and address', async () => {
    assert.deepEqual((await traced('523A1b2C003001', SENDMAIL)).lines, [1, 2, 3, 4]);
    assert.deepEqual((await traced('<20250303100001.9abc@sender.example>', SENDMAIL)).lines, [1, 2, 3, 4]);
    assert.deepEqual((await traced('other@other.example', SENDMAIL)).lines, [6, 7]);
  });

  it('reads the from= line and each recipient\'s outcome', async () => {
    const [message] = (await traced('523A1b2C003001', SENDMAIL)).result.messages;
    assert.deepEqual([message.entry?.line, message.size, message.messageId, message.client], [1, 4821, '20250303100001.9abc@sender.example', 'mail.sender.example']);
    assert.deepEqual([...message.recipients.values()].map((recipient) => [recipient.address, recipient.outcome, recipient.type]), [
      ['alice@example.com', 'delivered', 'none'], ['bob@example.net', 'failed', 'hard'],
    ]);
  });
});

describe('message trace: line shapes', () => {
  it('reads short and long Postfix queue IDs and nothing that is not one', () => {
    assert.equal(parseTraceLine('Mar  3 10:00:02 mx postfix/qmgr[1]: 4BqJbh0ZrSz9sWF: removed')?.id, '4BqJbh0ZrSz9sWF');
    assert.equal(parseTraceLine('Mar  3 10:00:02 mx postfix/qmgr[1]: 3F2A11C0B7: removed')?.id, '3F2A11C0B7');
    assert.equal(parseTraceLine('Mar  3 10:00:02 mx postfix/smtpd[1]: warning: hostname does not resolve'), undefined);
    assert.equal(parseTraceLine('Mar  3 10:00:02 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from x'), undefined);
  });

  it('gives the columns of the ID, the Message-ID and the hand-off', () => {
    const text = 'Mar  3 10:00:04 mx1 postfix/smtp[2104]: 4C1D2E3F4A: to=<a@b.example>, relay=127.0.0.1[127.0.0.1]:10024, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 7E8F9A0B1C)';
    const line = parseTraceLine(text)!;
    assert.equal(text.slice(line.idStart, line.idStart + line.id.length), '4C1D2E3F4A');
    assert.equal(text.slice(line.handOffStart, line.handOffStart! + 10), '7E8F9A0B1C');
    const cleanup = 'Mar  3 10:00:04 mx1 postfix/cleanup[1]: 7E8F9A0B1C: message-id=<x.1@y.example>';
    const parsed = parseTraceLine(cleanup)!;
    assert.equal(cleanup.slice(parsed.messageIdStart, parsed.messageIdStart! + parsed.messageId!.length), 'x.1@y.example');
  });

  it('builds the same index from every line as the trace builds from the lines it searched', async () => {
    const index = new MessageIndex();
    index.startInput(POSTFIX);
    readFileSync(POSTFIX, 'utf8').split('\n').forEach((text, at) => index.add(text, at + 1));
    assert.deepEqual(index.resolve('4C1D2E3F4A').flatMap((message) => message.lines.map((line) => line.line)).sort((a, b) => a - b), (await traced('4C1D2E3F4A', POSTFIX)).lines);
  });

  it('escapes the log\'s text in the hover card', () => {
    const index = new MessageIndex();
    index.startInput('x');
    index.add('Mar  3 10:00:02 mx postfix/qmgr[1]: 3F2A11C0B7: from=<[a](command:evil)@x.example>, size=1, nrcpt=1 (queue active)', 1);
    index.add('Mar  3 10:00:03 mx postfix/smtp[2]: 3F2A11C0B7: to=<b@x.example>, relay=x[192.0.2.1]:25, dsn=5.1.1, status=bounced (host x said: 550 5.1.1 <b@x.example> *unknown* <img src=x>)', 2);
    const card = traceCard(index.resolve('3F2A11C0B7'));
    assert.ok(!card.includes('[a](command:evil)'), card);
    assert.ok(!card.includes('<img'), card);
    assert.match(card, /b@x\.example: \*\*bounced 5\.1\.1 550 \(hard, user-unknown\)\*\*/);
  });
});

describe('message trace: the byte-level line search', () => {
  /** The lines holding `needle`, as linesOf splits and numbers them. */
  async function expectedLines(bytes: Buffer, needle: string) {
    const found: { text: string; line: number }[] = [];
    let line = 0;
    let continued = false;
    for await (const batch of linesOf(Readable.from([bytes]), 'utf8')) {
      batch.lines.forEach((text, at) => {
        if (at > 0 || !continued) line++;
        if (text.includes(needle)) found.push({ text, line });
      });
      continued = batch.continued;
    }
    return found;
  }

  async function searched(bytes: Buffer, needle: string, piece: number, withoutWasm = false) {
    const chunks = Array.from({ length: Math.ceil(bytes.length / piece) }, (_, i) => bytes.subarray(i * piece, i * piece + piece));
    const found: { text: string; line: number }[] = [];
    for await (const batch of linesHolding(Readable.from(chunks), [Buffer.from(needle)], undefined, 0, { withoutWasm })) found.push(...batch.lines);
    return found;
  }

  it('runs the search in WebAssembly here, and byteSearchWasm.ts is byteSearch.wat compiled', () => {
    assert.ok(new BlockSearch().simd);
    assert.ok(!new BlockSearch({ withoutWasm: true }).simd);
    execFileSync(process.execPath, [join(__dirname, '..', '..', '..', 'scripts', 'build-wasm.mjs'), '--check'], { stdio: 'pipe' });
  });

  it('finds and counts bytes as Buffer does, at every offset, near the ends of the block and across 16-byte lanes', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    const letters = (length: number) => Buffer.from(Array.from({ length }, () => 'AB\nC'.charCodeAt(Math.floor(random() * 4))));
    for (const search of [new BlockSearch(), new BlockSearch({ withoutWasm: true })]) {
      for (let round = 0; round < 60; round++) {
        // Few distinct bytes, so that partial matches are common; or, every other round, a block of "x" with a few of
        // them and the needle written in at a random place, so that runs of 64 places without a candidate are passed.
        const sparse = round % 2 === 1;
        const block = sparse
          ? Buffer.from(Array.from({ length: Math.floor(random() * 700) }, () => (random() < 0.03 ? letters(1)[0] : 0x78)))
          : letters(Math.floor(random() * 200));
        search.use(block);
        for (let n = 0; n < 20; n++) {
          const start = Math.floor(random() * (block.length + 1));
          let needle: Buffer;
          if (sparse) {
            needle = letters(1 + Math.floor(random() * 12));
            if (random() < 0.7) {
              needle.copy(block, start);
              search.use(block);
            }
          } else {
            needle = random() < 0.5 && block.length ? Buffer.from(block.subarray(start, start + 1 + Math.floor(random() * 12))) : letters(1 + Math.floor(random() * 4));
          }
          if (!needle.length) continue;
          const from = Math.floor(random() * (block.length + 1));
          assert.equal(search.indexOf(needle, from), block.indexOf(needle, from), `${needle} from ${from} in ${block}`);
          const to = from + Math.floor(random() * (block.length - from + 1));
          assert.equal(search.count(10, from, to), block.subarray(from, to).filter((byte) => byte === 10).length);
        }
      }
    }
  });

  it('finds IDs that big blocks cut in two, and numbers their lines, with and without WebAssembly', async () => {
    const lines = Array.from({ length: 3000 }, (_, n) => `Mar  3 10:00:00 mx postfix/qmgr[1]: ${n % 97 === 5 ? '4C1D2E3F4A' : (100000 + n).toString(16).toUpperCase()}: from=<a${n}@b.example>${n % 5 ? '' : ' '.repeat(n % 300)}`);
    const bytes = Buffer.from(lines.map((line, n) => `${line}${n % 7 ? '\n' : '\r\n'}`).join(''));
    const expected = await expectedLines(bytes, '4C1D2E3F4A');
    assert.equal(expected.length, Math.ceil((3000 - 5) / 97));
    for (const piece of [17, 4093, 65536, 1 << 20]) {
      for (const withoutWasm of [false, true]) assert.deepEqual(await searched(bytes, '4C1D2E3F4A', piece, withoutWasm), expected, `pieces of ${piece}${withoutWasm ? ' without WebAssembly' : ''}`);
    }
  });

  it('finds the same lines in a file read into the same few blocks, the window searched for a needle added later', async () => {
    const lines = Array.from({ length: 3000 }, (_, n) => `Mar  3 10:00:00 mx postfix/qmgr[1]: ${n === 1500 ? '4C1D2E3F4A: queued as 7E8F9A0B1C' : n % 89 === 3 ? '7E8F9A0B1C' : (100000 + n).toString(16).toUpperCase()}: from=<a${n}@b.example>${n % 400 === 7 ? 'x'.repeat(9000) : ''}`);
    const bytes = Buffer.from(lines.map((line, n) => `${line}${n % 7 ? '\n' : '\r\n'}`).join(''));
    const file = join(mkdtempSync(join(tmpdir(), 'smtp-diag-trace-test-')), 'maillog');
    writeFileSync(file, bytes);
    /** The lines found, the second needle added once the first is met (the window is searched for it then). */
    const found = async (chunks: AsyncIterable<Buffer>, release?: (chunk: Buffer) => void) => {
      const needles = [Buffer.from('4C1D2E3F4A')];
      const lines: { text: string; line: number }[] = [];
      for await (const batch of linesHolding(chunks, needles, undefined, 20_000, { release })) {
        lines.push(...batch.lines);
        if (needles.length === 1 && lines.length) needles.push(Buffer.from('7E8F9A0B1C'));
      }
      return lines;
    };
    try {
      const expected = await found(Readable.from(Array.from({ length: Math.ceil(bytes.length / 4093) }, (_, i) => Buffer.from(bytes.subarray(i * 4093, i * 4093 + 4093)))));
      // The first needle's line, then the second's in the window before it (1339, 1428) and after it.
      assert.deepEqual(expected.slice(0, 4).map((line) => line.line), [1501, 1339, 1428, 1517]);
      for (const blocking of [false, true]) {
        const spare: Buffer[] = [];
        const used = new Set<ArrayBufferLike>();
        const blocks = (async function* () {
          for await (const block of fileBlocks(file, 0, { blockBytes: 4093, spare, blocking })) {
            used.add(block.buffer);
            yield block;
          }
        })();
        assert.deepEqual(await found(blocks, (block) => spare.push(block)), expected, blocking ? 'blocking reads' : 'reads ahead');
        // The window (20,000 bytes) holds 5 or 6 blocks, one is searched and one is being read.
        assert.ok(used.size <= 8, `${used.size} buffers`);
      }
    } finally {
      rmSync(join(file, '..'), { recursive: true, force: true });
    }
  });

  it('numbers lines as linesOf does, with LF, CRLF and bare CR, a CRLF cut between chunks, and no final line end', async () => {
    const text = Buffer.from('a X1\r\nb\rc X1\n\nd\r\r\ne X1\r\nf X1');
    for (const piece of [1, 2, 3, 5, 64]) {
      assert.deepEqual(await searched(text, 'X1', piece), await expectedLines(text, 'X1'), `pieces of ${piece}`);
      assert.deepEqual(await searched(text, 'X1', piece, true), await expectedLines(text, 'X1'), `pieces of ${piece} without WebAssembly`);
    }
  });

  it('finds a needle cut between two chunks and a line that holds it twice once', async () => {
    const text = Buffer.from('one\ntwo NEEDLE NEEDLE\nthree\nNEEDLE');
    for (const piece of [1, 4, 7]) assert.deepEqual((await searched(text, 'NEEDLE', piece)).map((found) => found.line), [2, 4]);
  });

  it('keeps UTF-8 characters whole across chunks', async () => {
    const text = Buffer.from('ü X1 ü\nß\n€ X1 €\n');
    for (const piece of [1, 2, 3]) assert.deepEqual(await searched(text, 'X1', piece), await expectedLines(text, 'X1'));
  });
});

describe('smtp-diag trace', () => {
  it('prints the summary, then every line of the chain with its file and line number', async () => {
    const { code, stdout } = await runCliCaptured(['trace', '4C1D2E3F4A', POSTFIX]);
    assert.equal(code, 0);
    const [summary, lines] = stdout.split('\n\n');
    assert.match(summary, /^Postfix message 4C1D2E3F4A \(entered at .*postfix-amavis\.log:2\)/);
    assert.match(summary, /bob@example\.net: bounced 5\.1\.1 550 \(hard, user-unknown\) via mx\.example\.net/);
    assert.match(summary, /carol@example\.org: delivered after 2 deferrals/);
    const numbers = lines.trim().split('\n').map((line) => Number(/\.log:(\d+): /.exec(line)?.[1]));
    assert.deepEqual(numbers, [2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 25, 26, 27, 28, 29]);
  });

  it('reads stdin and prints JSON', async () => {
    const { code, stdout } = await runCliCaptured(['trace', '--format', 'json', 'dave@example.com', '-'], readFileSync(EXIM, 'utf8'));
    assert.equal(code, 0);
    const json = JSON.parse(stdout);
    assert.deepEqual(json.messages.map((message: { id: string }) => message.id), ['1tAbDa-0002AA-EF']);
    assert.deepEqual(json.lines.map((line: { file: string; line: number }) => `${line.file}:${line.line}`), ['stdin:12', 'stdin:13', 'stdin:14']);
    assert.equal(json.messages[0].recipients[0].outcome, 'delivered');
  });

  it('exits 1 when nothing matches and 2 without a query', async () => {
    const none = await runCliCaptured(['trace', 'nobody@nowhere.example', SENDMAIL]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no message matches/);
    assert.equal((await runCliCaptured(['trace'])).code, 2);
    assert.equal((await runCliCaptured(['trace', '--format', 'csv', 'x'])).code, 2);
  });
});

describe('filtering a mail log by the engine\'s verdicts', () => {
  const MAILLOG = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'maillog');
  const filtered = async (filter: LogFilter) => (await filterLogLines([{ path: MAILLOG }], filter)).lines.map((line) => line.line);
  const numbersOf = (pattern: RegExp) => readFileSync(MAILLOG, 'utf8').split('\n').flatMap((line, index) => (pattern.test(line) ? [index + 1] : []));

  it('keeps failures, hard bounces, deferrals, inbound rejects, one domain, one host, one code', async () => {
    assert.deepEqual(await filtered({ kind: 'failures' }), numbersOf(/status=bounced/));
    assert.deepEqual(await filtered({ kind: 'hard' }), numbersOf(/dsn=5\.(?:3\.2|1\.1), status=bounced/));
    assert.deepEqual(await filtered({ kind: 'deferrals' }), numbersOf(/status=deferred/));
    assert.deepEqual(await filtered({ kind: 'inbound-rejects' }), numbersOf(/NOQUEUE: reject/));
    assert.deepEqual(await filtered({ kind: 'domain', value: 'Example.NET' }), numbersOf(/to=<[^>]*@example\.net>/));
    assert.deepEqual(await filtered({ kind: 'remote-host', value: 'mx.example.net' }), numbersOf(/to=<[^>]*@example\.net>.*status=bounced/));
    assert.deepEqual(await filtered({ kind: 'code', value: '5.3.2' }), numbersOf(/dsn=5\.3\.2/));
  });

  it('gives each line once with its text, whatever the number of recipients on it', async () => {
    const result = await filterLogLines([{ path: SENDMAIL }], { kind: 'failures' });
    assert.deepEqual(result.lines.map((line) => [line.line, line.text]), [[3, readFileSync(SENDMAIL, 'utf8').split('\n')[2]]]);
  });
});

describe('the editor\'s document index', () => {
  it('answers for the ID, the hand-off or the Message-ID under the cursor, and gives up when the document changed', async () => {
    const lines = readFileSync(POSTFIX, 'utf8').split('\n');
    const index = (await buildDocumentIndex(lines))!;
    const at = (line: number, needle: string) => messageAt(index, lines[line - 1], lines[line - 1].indexOf(needle) + 1);
    for (const [line, needle] of [[2, '4C1D2E3F4A'], [10, '7E8F9A0B1C'], [3, '20250303100001']] as const) {
      const found = at(line, needle);
      assert.deepEqual(found?.lines.map((traced) => traced.line), [2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 25, 26, 27, 28, 29], `${needle} on ${line}`);
      assert.deepEqual([found?.entry.line, found?.entryId], [2, '4C1D2E3F4A']);
    }
    assert.equal(messageAt(index, lines[0], 30), undefined);
    const many = Array.from({ length: 50_000 }, () => lines[1]);
    assert.equal(await buildDocumentIndex(many, 'changed', undefined, () => true), undefined);
  });
});

describe('message trace: IDs found on the way', () => {
  /** The Postfix fixture with `filler` bytes of other lines after each of its lines, as one file over 64 KB (read in
   * 64 KB chunks). */
  function padded(filler: number): { path: string; lines: string[] } {
    const fillerLines = (at: number) => Array.from({ length: Math.ceil(filler / 80) }, (_, i) => `Mar  3 10:00:00 mx1 postfix/anvil[9]: statistics: filler line ${at}.${i} xxxxxxxxxxxxxxxxxxxx`);
    const lines = readFileSync(POSTFIX, 'utf8').split('\n').filter(Boolean).flatMap((line, at) => [line, ...fillerLines(at)]);
    const file = join(mkdtempSync(join(tmpdir(), 'smtp-diag-trace-test-')), 'maillog');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return { path: file, lines };
  }

  it('finds the same lines whether the window before a new ID covers its first lines or not (a second reading then)', async () => {
    const { path, lines } = padded(40_000);
    try {
      const expected = lines.flatMap((text, at) => (['4C1D2E3F4A', '7E8F9A0B1C'].includes(parseTraceLine(text)?.id ?? '') ? [at + 1] : []));
      for (const query of ['4C1D2E3F4A', '7E8F9A0B1C', '<20250303100001.1234@sender.example>', 'carol@example.org']) {
        for (const blockingReads of [false, true]) {
          const how = `${query}${blockingReads ? ', blocking reads' : ''}`;
          const wide = await traceMessages(query, [{ path }], { blockingReads });
          const narrow = await traceMessages(query, [{ path }], { windowBytes: 1, blockBytes: 1 << 16, blockingReads });
          assert.deepEqual(wide.lines.map((line) => line.line), expected, `${how}, wide window`);
          assert.deepEqual(narrow.lines.map((line) => line.line), expected, `${how}, narrow window`);
          assert.equal(wide.passes, 1, `${how}: one reading with the window`);
          assert.ok(narrow.passes >= 2, `${how}: a second reading without it`);
          // The times of the first and last line come out the same whichever order the lines were found in.
          assert.deepEqual(narrow.messages.map((message) => [message.firstDate, message.lastDate]), wide.messages.map((message) => [message.firstDate, message.lastDate]));
        }
      }
    } finally {
      rmSync(join(path, '..'), { recursive: true, force: true });
    }
  });
});

describe('message trace: bounded memory', () => {
  it('keeps at most 1 MB of one message\'s text and counts the lines it left out', async () => {
    const long = (n: number) => `Mar  3 10:00:0${n} mx postfix/smtp[1]: 3F2A11C0B7: to=<a@b.example>, relay=x[192.0.2.1]:25, dsn=4.2.2, status=deferred (host x said: 452 ${'y'.repeat(400_000)})`;
    const text = Array.from({ length: 6 }, (_, n) => long(n)).join('\n');
    const result = await traceMessages('3F2A11C0B7', [{ name: 'big', text }]);
    const [message] = result.messages;
    assert.ok(message.textChars <= MAX_TEXT_PER_MESSAGE);
    assert.equal(message.lines.length + message.omittedLines, 6);
    assert.ok(result.omittedLines > 0);
    // Every deferral is still counted, and its diagnostic kept short.
    assert.equal(message.recipients.get('a@b.example')?.deferrals, 6);
    assert.ok(message.recipients.get('a@b.example')!.diagnostic.length <= 1025);
  });
});

describe('message trace: an address in more messages than a trace follows', () => {
  /** `count` messages of one line each, every one a deferral to the same address (as a red-team run made them). */
  const deferrals = (count: number, first = 0) => Array.from({ length: count }, (_, n) => `Nov 27 09:14:05 mail postfix/smtp[2107]: ${(first + n).toString(16).toUpperCase().padStart(10, '0')}: to=<user@example.com>, relay=x, delay=1, dsn=4.2.2, status=deferred (452 4.2.2 full)`);

  it('keeps the first MAX_TRACED_MESSAGES messages, counts those it left out, and says so in the JSON', async () => {
    const more = 1500;
    const text = deferrals(MAX_TRACED_MESSAGES + more).join('\n');
    const result = await traceMessages('user@example.com', [{ name: 'log', text }]);
    assert.equal(result.messages.length, MAX_TRACED_MESSAGES);
    assert.deepEqual([result.lines[0].line, result.lines[result.lines.length - 1].line], [1, MAX_TRACED_MESSAGES]);
    assert.equal(result.omittedMessages, more);
    assert.ok(result.complete);
    const json = JSON.parse((await runCliCaptured(['trace', '--format', 'json', 'user@example.com', '-'], text)).stdout);
    assert.deepEqual([json.messages.length, json.omittedMessages, json.omittedMessagesAtLeast, json.omittedLines], [MAX_TRACED_MESSAGES, more, false, 0]);
    const { stderr } = await runCliCaptured(['trace', 'user@example.com', '-'], text);
    assert.match(stderr, new RegExp(`${more} more messages match and were left out \\(the first 10,000 are traced\\)`));
  });

  it('holds no more messages in a trace\'s index than it follows, however many lines name the address', () => {
    const index = new MessageIndex({ keepText: () => true, focus: { ids: new Set(), query: 'user@example.com' } });
    index.startInput('log');
    const lines = deferrals(3 * MAX_TRACED_MESSAGES);
    lines.forEach((text, at) => index.add(text, at + 1));
    assert.equal(index.size, MAX_TRACED_MESSAGES);
    // Counted one by one up to a bound; past it, "at least".
    assert.equal(index.omittedMessages, Math.min(2 * MAX_TRACED_MESSAGES, MAX_OMITTED_COUNTED));
    // A line of another address, or of a message of another ID that names none, is no message of the trace.
    index.add('Nov 27 09:14:06 mail postfix/smtp[2107]: ABCDEF0123: to=<other@example.com>, relay=x, delay=1, dsn=2.0.0, status=sent (250 ok)', lines.length + 1);
    assert.equal(index.message('ABCDEF0123'), undefined);
  });

  it('keeps at most MAX_LINES_KEPT lines in all, and counts the others as the lines of their messages', () => {
    const index = new MessageIndex({ keepText: () => true, focus: { ids: new Set(), query: 'user@example.com' } });
    index.startInput('log');
    // 20 messages of 6,000 lines each: each message is within its own bound, together they are not.
    const ids = Array.from({ length: 20 }, (_, n) => (0xA0000 + n).toString(16).toUpperCase().padStart(10, '0'));
    let line = 0;
    for (let round = 0; round < 6000; round++) {
      for (const id of ids) index.add(`Nov 27 09:14:05 mail postfix/smtp[2107]: ${id}: to=<user@example.com>, relay=x, delay=1, dsn=4.2.2, status=deferred (452 4.2.2 full)`, ++line);
    }
    const messages = index.resolve('user@example.com');
    assert.equal(messages.length, 20);
    assert.equal(messages.reduce((sum, message) => sum + message.lines.length, 0), MAX_LINES_KEPT);
    assert.equal(messages.reduce((sum, message) => sum + message.lines.length + message.omittedLines, 0), line);
    // Every deferral is still counted.
    assert.ok(messages.every((message) => message.recipients.get('user@example.com')?.deferrals === 6000));
  });

  it('takes time in proportion to the lines: 4 times the messages past the bound take about 4 times as long', async () => {
    const time = async (count: number) => {
      const text = deferrals(count).join('\n');
      const started = performance.now();
      await traceMessages('user@example.com', [{ name: 'log', text }]);
      return performance.now() - started;
    };
    await time(MAX_TRACED_MESSAGES);
    // A busy machine can slow one measurement many times over: the best of three tries counts.
    const tries: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const once = await time(30_000);
      const four = await time(120_000);
      if (four < 5 * once) return;
      tries.push(`30,000 lines: ${once.toFixed(0)} ms, 120,000: ${four.toFixed(0)} ms`);
    }
    assert.fail(tries.join('; '));
  });

  it('forgets the oldest state of the bounce parser in constant time once it is full', () => {
    /** The time of filling a map, and of twice as many keys after it (each forgets the oldest). */
    const times = () => {
      const map = new PendingMap<number>(0);
      const timed = (from: number, to: number) => {
        const started = performance.now();
        for (let n = from; n < to; n++) map.set(`Q${n}`, n, 0);
        return performance.now() - started;
      };
      const filling = timed(0, MAX_PENDING);
      const past = timed(MAX_PENDING, 3 * MAX_PENDING);
      assert.equal(map.size, MAX_PENDING);
      return { filling, past };
    };
    times();
    const tries: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { filling, past } = times();
      if (past < 10 * filling) return;
      tries.push(`${MAX_PENDING} keys: ${filling.toFixed(0)} ms, ${2 * MAX_PENDING} more: ${past.toFixed(0)} ms`);
    }
    assert.fail(tries.join('; '));
  });
});
