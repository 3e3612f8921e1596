/**
 * `make` run once, however many callers ask at the same time: they all get the one promise. For
 * resources of which there must be one (a helper process: a second one would outlive its owner).
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}
