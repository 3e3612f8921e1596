import { SparkCatalog } from '../../core/connect/sparkCatalog.js';
import { CatalogCache } from '../../core/sql/completion/catalogCache.js';
import { LiveCatalogNames } from '../../core/sql/completion/liveCatalogNames.js';
import type { ResultsPanels } from '../results/resultsPanels.js';
import { CatalogView } from '../views/catalogView.js';
import type { WorkbenchContext } from '../workbenchContext.js';
import { WorkbenchCommands } from './catalogCommands.js';

export interface CatalogFeature {
  /** The names completion and hover use, cached per Spark session; none while disconnected. */
  readonly catalogCache: () => CatalogCache | undefined;
  /**
   * Something may have changed tables or the session's current schema (DDL, USE, a notebook cell, a
   * pipeline run): cached names are forgotten, the current schema read again, the view repainted.
   */
  readonly catalogChanged: () => void;
}

/** The Catalog view (catalogs down to columns), its commands, and the catalog names of the session. */
export function registerCatalog(ctx: WorkbenchContext, results: Pick<ResultsPanels, 'show'>): CatalogFeature {
  const { host, connections, operations, own } = ctx;
  const catalogView = own(new CatalogView(connections, async () => new SparkCatalog(await connections.client())));
  own(host.registerTree('sparkWorkbench.catalog', catalogView, { showCollapseAll: true }));
  own(
    new WorkbenchCommands(
      host,
      catalogView,
      results,
      (id) => operations.cancel(id),
      () => operations.clearFinished(),
    ),
  );
  const caches = new WeakMap<object, CatalogCache>();
  const catalogCache = () => {
    const client = connections.connectedClient;
    if (!client) return undefined;
    let cache = caches.get(client);
    if (!cache) caches.set(client, (cache = new CatalogCache(new LiveCatalogNames(client))));
    return cache;
  };
  return {
    catalogCache,
    catalogChanged: () => {
      catalogCache()?.invalidate();
      connections.refreshNamespace().catch(() => undefined);
      catalogView.refresh();
    },
  };
}
