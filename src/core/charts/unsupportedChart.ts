/** Thrown while planning when a spec uses something the pushdown cannot reproduce in Spark SQL. */
export class UnsupportedChart extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnsupportedChart';
  }
}

export function unsupported(reason: string): never {
  throw new UnsupportedChart(reason);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
