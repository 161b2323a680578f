import * as assert from 'node:assert/strict';
import { fromReportView } from '../../src/webview/protocol';

describe('bounce report webview messages', () => {
  it('takes our three shapes, and only their fields', () => {
    assert.deepEqual(fromReportView({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(fromReportView({ type: 'openMarkdown', extra: 'x' }), { type: 'openMarkdown' });
    assert.deepEqual(fromReportView({ type: 'openSource', source: { file: '/var/log/maillog', line: 7, command: 'x' }, uri: 'file:///etc/passwd' }),
      { type: 'openSource', source: { file: '/var/log/maillog', line: 7 } });
  });

  it('drops anything else: other types, missing or malformed sources, lines that are no line numbers', () => {
    for (const message of [
      undefined, null, 'ready', 42, [], {}, { type: 'openFile', file: '/etc/passwd' }, { type: 'command', command: 'workbench.action.terminal.new' },
      { type: 'openSource' }, { type: 'openSource', source: null }, { type: 'openSource', source: { file: 7, line: 1 } },
      { type: 'openSource', source: { file: 'f', line: 0 } }, { type: 'openSource', source: { file: 'f', line: 1.5 } },
      { type: 'openSource', source: { file: 'f', line: '3' } }, { type: 'openSource', source: { file: 'f', line: 2 ** 60 } },
      { type: 'openSource', file: 'f', line: 1 },
    ]) assert.equal(fromReportView(message), undefined, JSON.stringify(message));
  });
});
