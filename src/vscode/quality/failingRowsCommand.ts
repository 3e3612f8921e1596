import { failingRowsQuery } from '../../core/quality/qualityQuery.js';
import type { Disposable } from '../../core/util/events.js';
import { COMMANDS } from '../commandIds.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { QualityDiagnostics, ShownFailure } from './qualityDiagnostics.js';
import type { QualityNode } from './qualityView.js';
import { SETTING_DEFAULTS } from '../settings/workbenchSettings.js';

/**
 * Show Failing Rows: the rows of a failed check in the results viewer, from the quick fix on its
 * problem (the failure's index) or from its node in the Data Quality view.
 */
export function registerFailingRowsCommand(
  host: Pick<WorkbenchHost, 'registerCommand' | 'settings'>,
  diagnostics: Pick<QualityDiagnostics, 'failure' | 'failureOf'>,
  show: (query: { sql: string; title: string }) => Promise<unknown>,
): Disposable {
  return host.registerCommand(COMMANDS.quality.showFailingRows, async (argument: unknown) => {
    const failure = failureOf(argument, diagnostics);
    if (!failure) return;
    const limit = host.settings('sparkWorkbench').get<number>('results.previewRows', SETTING_DEFAULTS['results.previewRows']);
    const sql = failingRowsQuery(failure.source, failure.result.check, {
      tableName: (name) => failure.tableNames[name] ?? name,
      limit,
    });
    if (sql) await show({ sql, title: `Failing rows: ${failure.result.check.name}` });
  });
}

function failureOf(argument: unknown, diagnostics: Pick<QualityDiagnostics, 'failure' | 'failureOf'>): ShownFailure | undefined {
  if (typeof argument === 'number') return diagnostics.failure(argument);
  const node = argument as QualityNode | undefined;
  if (node?.kind !== 'check') return undefined;
  return diagnostics.failureOf(node.run.source, node.dataset, node.check.name);
}
