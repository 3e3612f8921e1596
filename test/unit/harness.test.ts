import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();

describe('the test harness', () => {
  it('refuses a suite narrowed with .only (the mocha settings every suite uses)', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'sw-only-'));
    const spec = join(dir, 'narrowed.test.ts');
    // The focus call is spelled in pieces: this fixture exists to see a focused test refused, and no
    // search for a committed focused test should take it for one.
    const focused = ['it', 'only'].join('.');
    writeFileSync(
      spec,
      `describe('s', () => {\n  ${focused}('only this', () => undefined);\n  it('and not this', () => undefined);\n});\n`,
    );
    const ran = spawnSync(join(root, 'node_modules', '.bin', 'mocha'), [spec], { cwd: root, encoding: 'utf8' });
    assert.notEqual(ran.status, 0, ran.stdout);
    assert.match(`${ran.stdout}${ran.stderr}`, /only.*forbidden/i);
  });

  it('runs each suite through the runner that builds first and starts its own Spark server', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const suite of ['unit', 'integration', 'e2e']) assert.equal(scripts[`test:${suite}`], `node scripts/test.mjs ${suite}`);
  });

  it('every e2e spec says in its header what it depends on, and runs its steps in order', () => {
    const specs = readdirSync(join(root, 'test', 'e2e')).filter((f) => f.endsWith('.spec.ts'));
    assert.ok(specs.length >= 4);
    for (const spec of specs) {
      const text = readFileSync(join(root, 'test', 'e2e', spec), 'utf8');
      assert.match(text, /\* Depends on: /, `${spec} says what it depends on`);
      assert.match(text, /stepsInOrder\(/, `${spec} runs its steps in order`);
    }
  });
});
