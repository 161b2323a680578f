import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { BytesBlob } from '../../src/core/bounce/bytesBlob';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('BytesBlob (the Blob postal-mime gets in our bundles)', () => {
  it('joins strings (as UTF-8), byte views at an offset and array buffers exactly as Node\'s Blob does', async () => {
    const backing = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
    const parts = ['Diagnostic-Code: smtp; 550 5.1.1 ', new Uint8Array(backing.buffer, 2, 4), '\n', 'Zürich ✉\n', new Uint8Array([13, 10]).buffer, new DataView(backing.buffer, 5, 2)];
    const ours = new BytesBlob(parts, { type: 'application/octet-stream' });
    const node = new Blob(parts, { type: 'application/octet-stream' });
    assert.deepEqual(new Uint8Array(await ours.arrayBuffer()), new Uint8Array(await node.arrayBuffer()));
    assert.equal(ours.size, node.size);
    assert.equal(ours.type, node.type);
  });

  it('gives a copy: changing one result does not change the next', async () => {
    const blob = new BytesBlob(['abc']);
    new Uint8Array(await blob.arrayBuffer())[0] = 0;
    assert.equal(Buffer.from(await blob.arrayBuffer()).toString(), 'abc');
  });

  it('is what postal-mime\'s decoders construct in the bundles esbuild.js builds', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { inject } = require(path.join(ROOT, 'esbuild.js')) as { inject: string[] };
    const { outputFiles } = buildSync({ entryPoints: [path.join(ROOT, 'src', 'cli.ts')], bundle: true, platform: 'node', format: 'cjs', write: false, inject, logLevel: 'silent' });
    const bundle = outputFiles[0].text;
    assert.equal((bundle.match(/new BytesBlob\(this\.chunks/g) ?? []).length, 3, 'pass-through, base64 and quoted-printable decoders');
    assert.doesNotMatch(bundle, /new Blob\(/);
  });
});
