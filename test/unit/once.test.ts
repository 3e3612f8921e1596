import assert from 'node:assert/strict';
import { once } from '../../src/core/util/once.js';

describe('once', () => {
  it('callers at the same moment share one making (one helper process, not one each)', async () => {
    let made = 0;
    const helper = once(async () => {
      made++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { id: made };
    });
    const [a, b] = await Promise.all([helper(), helper()]);
    assert.equal(made, 1);
    assert.equal(a, b);
    assert.equal(await helper(), a);
  });
});
