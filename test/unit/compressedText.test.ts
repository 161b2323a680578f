import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decompressedName, gunzipText, isGzip } from '../../src/core/compressedText';

const LOG = Array.from({ length: 2000 }, (_, index) =>
  `Nov 27 10:00:${String(index % 60).padStart(2, '0')} mx postfix/smtp[${index}]: Q${index}: to=<u${index}@example.com>, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown; Zürich)\n`).join('');

describe('gzip-compressed text', () => {
  it('decompresses a whole file, several gzip members included, as UTF-8', async () => {
    const half = LOG.length / 2;
    const twoMembers = Buffer.concat([gzipSync(LOG.slice(0, half)), gzipSync(LOG.slice(half))]);
    assert.deepEqual(await gunzipText(gzipSync(LOG), 64 << 20), { text: LOG, problem: undefined });
    assert.deepEqual(await gunzipText(twoMembers, 64 << 20), { text: LOG, problem: undefined });
  });

  it('keeps the readable part of a truncated file and says so', async () => {
    const compressed = gzipSync(LOG);
    const { text, problem } = await gunzipText(compressed.subarray(0, Math.floor(compressed.length * 0.6)), 64 << 20);
    assert.ok(text.length > 0 && text.length < LOG.length);
    assert.ok(LOG.startsWith(text));
    assert.match(problem!, /^truncated or corrupt compressed data \(.+\): the [\d,]+ bytes before it are shown$/);
  });

  it('stops at the size cap on a line end, and says so', async () => {
    const cap = 10_000;
    const { text, problem } = await gunzipText(gzipSync(LOG), cap);
    assert.ok(Buffer.byteLength(text) <= cap);
    assert.ok(text.endsWith('\n') && LOG.startsWith(text));
    assert.ok(Buffer.byteLength(text) > cap - 300, 'cut at the last line end before the cap, not earlier');
    assert.match(problem!, /^over 0 MB decompressed: only the first 0 MB are shown$/);
  });

  it('refuses what is not gzip, what gives nothing readable, and binary content', async () => {
    await assert.rejects(gunzipText(Buffer.from(LOG), 1 << 20), /^Error: not gzip-compressed data$/);
    await assert.rejects(gunzipText(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), 1 << 20), /^Error: corrupt or truncated compressed data \(/);
    await assert.rejects(gunzipText(gzipSync(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0, 1, 2])), 1 << 20), /binary content once decompressed/);
  });

  it('an empty compressed file is an empty text', async () => {
    assert.deepEqual(await gunzipText(gzipSync(''), 1 << 20), { text: '', problem: undefined });
  });

  it('names the decompressed file and recognizes the gzip signature', () => {
    assert.deepEqual(['maillog.2.gz', 'mail.log.1.GZ', 'bounces.tgz', 'mainlog'].map(decompressedName), ['maillog.2', 'mail.log.1', 'bounces.tar', 'mainlog']);
    assert.deepEqual([isGzip(gzipSync('x')), isGzip(Buffer.from('x')), isGzip(new Uint8Array([0x1f]))], [true, false, false]);
  });
});
