import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_CONNECT_PORT } from '../../../src/core/localSpark/pinnedVersions.js';
import { LOCAL_PROFILE_NAME } from '../../../src/core/session/connectionManager.js';
import { DEFAULT_DRIVER_MEMORY, DEFAULT_RETRY_TIMEOUT_SECONDS } from '../../../src/vscode/connections/connectionSettings.js';
import { SETTING_DEFAULTS, WorkbenchSettings } from '../../../src/vscode/settings/workbenchSettings.js';
import { FakeHost } from './fakeHost.js';

const declared = (
  JSON.parse(readFileSync('package.json', 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  }
).contributes.configuration.properties;

describe('settings', () => {
  it('have the defaults package.json declares, each written once in the code', () => {
    const inCode: Record<string, unknown> = {
      ...SETTING_DEFAULTS,
      'localSpark.port': DEFAULT_CONNECT_PORT,
      'localSpark.driverMemory': DEFAULT_DRIVER_MEMORY,
      'connection.retryTimeout': DEFAULT_RETRY_TIMEOUT_SECONDS,
      defaultConnection: LOCAL_PROFILE_NAME,
    };
    for (const [key, value] of Object.entries(inCode)) assert.deepEqual(declared[`sparkWorkbench.${key}`]?.default, value, key);
  });

  it('read the user value when it has the right type, else the default', () => {
    const host = new FakeHost();
    const settings = new WorkbenchSettings(host);
    assert.equal(settings.get('results.rowLimit'), 10_000);
    host.set('sparkWorkbench.results.rowLimit', 500);
    assert.equal(settings.get('results.rowLimit'), 500);
    host.set('sparkWorkbench.results.rowLimit', 'many');
    assert.equal(settings.get('results.rowLimit'), 10_000);
    host.set('sparkWorkbench.localSpark.stopOnExit', false);
    assert.equal(settings.get('localSpark.stopOnExit'), false);
  });
});
