import assert from 'node:assert/strict';
import { FEATURES, SparkVersion, supports } from '../../src/core/connect/version.js';

const parts = (v: SparkVersion) => [v.major, v.minor, v.patch];

describe('SparkVersion', () => {
  describe('parse', () => {
    it('reads major, minor and patch of a release', () => {
      const version = SparkVersion.parse('4.2.1');
      assert.deepEqual(parts(version), [4, 2, 1]);
      assert.equal(version.text, '4.2.1');
      assert.equal(version.toString(), '4.2.1');
      assert.equal(`${version}`, '4.2.1');
    });

    it('ignores suffixes after the numbers', () => {
      assert.deepEqual(parts(SparkVersion.parse('4.1.0-SNAPSHOT')), [4, 1, 0]);
      assert.deepEqual(parts(SparkVersion.parse('4.0.0-preview2')), [4, 0, 0]);
      assert.deepEqual(parts(SparkVersion.parse('3.5.1-amzn-0')), [3, 5, 1]);
      assert.deepEqual(parts(SparkVersion.parse('4.1.0.dev0')), [4, 1, 0]);
      assert.equal(SparkVersion.parse('4.1.0-SNAPSHOT').text, '4.1.0-SNAPSHOT', 'the text is kept whole');
    });

    it('reads multi-digit parts as numbers', () => {
      assert.deepEqual(parts(SparkVersion.parse('10.12.103')), [10, 12, 103]);
      assert.deepEqual(parts(SparkVersion.parse('04.02.01')), [4, 2, 1]);
    });

    it('takes a missing patch as 0', () => {
      assert.deepEqual(parts(SparkVersion.parse('3.5')), [3, 5, 0]);
      assert.deepEqual(parts(SparkVersion.parse('4.1-SNAPSHOT')), [4, 1, 0]);
    });

    it('tolerates surrounding whitespace', () => {
      assert.deepEqual(parts(SparkVersion.parse('  4.2.1\n')), [4, 2, 1]);
    });

    it('turns anything unreadable into 0.0.0, keeping the text', () => {
      for (const text of ['', 'unknown', 'v4.2.1', '4', 'four.two', '.4.2']) {
        const version = SparkVersion.parse(text);
        assert.deepEqual(parts(version), [0, 0, 0], JSON.stringify(text));
        assert.equal(version.text, text);
      }
    });
  });

  describe('atLeast', () => {
    const v = (text: string) => SparkVersion.parse(text);

    it('compares major first, then minor', () => {
      assert.equal(v('4.1.0').atLeast(4, 1), true, 'equal');
      assert.equal(v('4.1.5').atLeast(4, 1), true);
      assert.equal(v('4.2.0').atLeast(4, 1), true, 'newer minor');
      assert.equal(v('5.0.0').atLeast(4, 1), true, 'newer major, smaller minor');
      assert.equal(v('5.0.0').atLeast(4, 9), true);
      assert.equal(v('4.0.9').atLeast(4, 1), false, 'older minor');
      assert.equal(v('3.9.0').atLeast(4, 1), false, 'older major, larger minor');
      assert.equal(v('3.5.1').atLeast(4), false);
      assert.equal(v('4.10.0').atLeast(4, 9), true, 'numeric, not textual, minor');
      assert.equal(v('4.9.0').atLeast(4, 10), false);
    });

    it('defaults the minor to 0', () => {
      assert.equal(v('4.0.0').atLeast(4), true);
      assert.equal(v('4.0.0-preview1').atLeast(4), true);
      assert.equal(v('3.99.99').atLeast(4), false);
    });

    it('treats an unreadable version as older than everything', () => {
      assert.equal(v('unknown').atLeast(1), false);
      assert.equal(v('unknown').atLeast(0, 1), false);
      assert.equal(v('unknown').atLeast(0), true);
    });
  });

  describe('supports', () => {
    it('gates each protocol feature on its first release', () => {
      assert.deepEqual(FEATURES, {
        arrowBatchChunking: [4, 1],
        declarativePipelines: [4, 1],
        getStatus: [4, 2],
        catalogListViews: [4, 2],
      });
      const table: [string, Record<keyof typeof FEATURES, boolean>][] = [
        ['3.5.4', { arrowBatchChunking: false, declarativePipelines: false, getStatus: false, catalogListViews: false }],
        ['4.0.1', { arrowBatchChunking: false, declarativePipelines: false, getStatus: false, catalogListViews: false }],
        ['4.1.0', { arrowBatchChunking: true, declarativePipelines: true, getStatus: false, catalogListViews: false }],
        ['4.1.9', { arrowBatchChunking: true, declarativePipelines: true, getStatus: false, catalogListViews: false }],
        ['4.2.0-SNAPSHOT', { arrowBatchChunking: true, declarativePipelines: true, getStatus: true, catalogListViews: true }],
        ['4.2.1', { arrowBatchChunking: true, declarativePipelines: true, getStatus: true, catalogListViews: true }],
        ['5.0.0', { arrowBatchChunking: true, declarativePipelines: true, getStatus: true, catalogListViews: true }],
        ['garbage', { arrowBatchChunking: false, declarativePipelines: false, getStatus: false, catalogListViews: false }],
      ];
      for (const [text, expected] of table) {
        const version = SparkVersion.parse(text);
        for (const feature of Object.keys(expected) as (keyof typeof FEATURES)[]) {
          assert.equal(supports(version, feature), expected[feature], `${text} ${feature}`);
        }
      }
    });
  });
});
