import * as assert from 'node:assert/strict';
import { describeClass, parseEnhancedCode } from '../../src/core/statusCode';

describe('parseEnhancedCode', () => {
  it('splits an enhanced code into class, subject and detail', () => {
    assert.deepEqual(parseEnhancedCode('5.3.2'), { statusClass: 5, subject: 3, detail: 2, text: '5.3.2' });
    assert.deepEqual(parseEnhancedCode(' 4.7.030 '), { statusClass: 4, subject: 7, detail: 30, text: '4.7.30' });
  });

  it('rejects classes other than 2, 4 and 5, and text that is not a code', () => {
    for (const text of ['3.1.1', '5.3', '5.3.2.1', '10.4.1', '5.1234.1', 'x.1.1', '']) {
      assert.equal(parseEnhancedCode(text), undefined, text);
    }
  });

  it('names each class', () => {
    assert.equal(describeClass(5), 'permanent failure');
    assert.equal(describeClass(4), 'persistent transient failure');
    assert.equal(describeClass(2), 'success');
  });
});
