import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where a copy of the retail example reads and writes, in place of the shipped spec's /tmp folders. */
export interface RetailSpecPlaces {
  /** Folders (made file URIs here). */
  readonly storage: string;
  readonly raw: string;
  /** The churn model's folder, a URI (the notebook's `models` parameter takes the same). */
  readonly models: string;
  readonly database?: string;
  /** The rates API's base URL. */
  readonly api?: string;
}

/** Rewrites a copied retail spec (examples/retail/spark-pipeline.yml) to use these places. */
export function placeRetailSpec(spec: string, places: RetailSpecPlaces): void {
  let text = readFileSync(spec, 'utf8')
    .replace(/^storage: .*$/m, `storage: ${pathToFileURL(places.storage).href}`)
    .replace(/^( {2}retail\.raw: ).*$/m, `$1${pathToFileURL(places.raw).href}`)
    .replace(/^( {2}retail\.models: ).*$/m, `$1${places.models}`);
  if (places.database) text = text.replace(/^database: .*$/m, `database: ${places.database}`);
  if (places.api) text = text.replace(/^( {2}retail\.api: ).*$/m, `$1${places.api}`);
  writeFileSync(spec, text);
}
