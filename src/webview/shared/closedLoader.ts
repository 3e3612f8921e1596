import { loader as vegaLoader } from 'vega';

/** A Vega loader that loads nothing: no URL in a spec reaches the network or the disk. */
export function closedLoader(): ReturnType<typeof vegaLoader> {
  const loader = vegaLoader();
  const refuse = () => Promise.reject(new Error('Charts here read only the query result; loading URLs is disabled.'));
  loader.load = refuse;
  loader.sanitize = refuse;
  return loader;
}
