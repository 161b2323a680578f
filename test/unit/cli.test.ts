import * as assert from 'node:assert/strict';
import { runCliCaptured } from '../helpers/runCliCaptured';
import { EXIT } from '../../src/cli/io';

describe('smtp-diag CLI', () => {
  it('prints its version', async () => {
    const result = await runCliCaptured(['--version']);
    assert.equal(result.code, EXIT.ok);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 with a clear message on an unknown command', async () => {
    const result = await runCliCaptured(['frobnicate']);
    assert.equal(result.code, EXIT.usage);
    assert.match(result.stderr, /unknown command "frobnicate"/);
  });

  it('prints usage and exits 2 when called without a command', async () => {
    const result = await runCliCaptured([]);
    assert.equal(result.code, EXIT.usage);
    assert.match(result.stdout, /Usage: smtp-diag <command>/);
  });
});
