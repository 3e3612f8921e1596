import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCommandIds } from '../../../src/vscode/commandIds.js';
import { cancelStallNotice } from '../../../src/vscode/runs/cancelStallNotice.js';
import { LOCAL, TEST_SPARK } from './fakeConnections.js';

const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string; category: string }[]; menus: Record<string, { command: string }[]> };
};

describe('the command table', () => {
  it('names exactly the commands package.json contributes, each sparkWorkbench.<area>.<action> in category Spark', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual([...allCommandIds()].sort(), contributed);
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Spark', command.command);
      assert.match(command.command, /^sparkWorkbench\.[a-zA-Z]+\.[a-zA-Z]+$/);
    }
  });

  it('every menu entry runs a contributed command', () => {
    const known = new Set(allCommandIds() as string[]);
    for (const [menu, entries] of Object.entries(manifest.contributes.menus))
      for (const entry of entries) assert.ok(known.has(entry.command), `${menu}: ${entry.command}`);
  });
});

describe('a cancel Spark did not carry out', () => {
  it('says the job still runs, offering Interrupt All, and Restart Local Spark for the local server', () => {
    const local = cancelStallNotice({ title: 'Run SQL' }, LOCAL);
    assert.equal(
      local.message,
      'Spark did not stop "Run SQL": its job still runs on the server after two interrupts, and keeps using its cores.',
    );
    assert.deepEqual(
      local.actions.map((a) => [a.title, a.command]),
      [
        ['Interrupt All', 'sparkWorkbench.operations.interruptAll'],
        ['Restart Local Spark', 'sparkWorkbench.localSpark.restart'],
        ['Show Logs', 'sparkWorkbench.logs.show'],
      ],
    );
    assert.deepEqual(
      cancelStallNotice({ title: 'Run SQL' }, TEST_SPARK).actions.map((a) => a.title),
      ['Interrupt All', 'Show Logs'],
    );
  });
});
