import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../src/webview/results/protocol.js';

describe('messages from the results webview, checked at the boundary', () => {
  it('accepts each well-formed message, keeping only its known fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'cancel', extra: 'ignored' }), { type: 'cancel' });
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'parquet' }), { type: 'export', format: 'parquet' });
    assert.deepEqual(
      parseWebviewMessage({ type: 'rerunInSpark', columns: ['a'], sort: { column: 'a', descending: true }, filter: 'x' }),
      { type: 'rerunInSpark', columns: ['a'], sort: { column: 'a', descending: true }, filter: 'x' },
    );
    assert.deepEqual(
      parseWebviewMessage({ type: 'chartRequest', requestId: 3, spec: { mark: 'bar' }, loadedRows: 10, timeZone: 'UTC' }),
      {
        type: 'chartRequest',
        requestId: 3,
        spec: { mark: 'bar' },
        loadedRows: 10,
        timeZone: 'UTC',
      },
    );
  });

  it('refuses anything else: unknown types, wrong field types, paths in a file name', () => {
    for (const bad of [
      undefined,
      'cancel',
      { type: 'runShell', command: 'rm -rf /' },
      { type: 'export', format: 'exe' },
      { type: 'copy', text: 1, what: 'cell' },
      { type: 'rerunInSpark', columns: [1], filter: '' },
      { type: 'chartRequest', requestId: 1.5, spec: {}, loadedRows: 1, timeZone: 'UTC' },
      { type: 'saveFile', suggestedName: 'a.csv', content: 5, filters: {} },
    ])
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    assert.deepEqual(
      parseWebviewMessage({ type: 'saveFile', suggestedName: '../../etc/x.svg', content: '<svg/>', filters: { SVG: ['svg'] } }),
      {
        type: 'saveFile',
        suggestedName: '.._.._etc_x.svg',
        content: '<svg/>',
        filters: { SVG: ['svg'] },
      },
    );
  });
});
