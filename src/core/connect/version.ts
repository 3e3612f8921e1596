/** A Spark version as the server reports it ("4.2.1", "4.1.0-SNAPSHOT"), comparable for feature gates. */
export class SparkVersion {
  constructor(
    readonly text: string,
    readonly major: number,
    readonly minor: number,
    readonly patch: number,
  ) {}

  static parse(text: string): SparkVersion {
    const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
    if (!match) return new SparkVersion(text, 0, 0, 0);
    return new SparkVersion(text, Number(match[1]), Number(match[2]), Number(match[3] ?? 0));
  }

  atLeast(major: number, minor = 0): boolean {
    return this.major > major || (this.major === major && this.minor >= minor);
  }

  toString(): string {
    return this.text;
  }
}

/** Protocol features and the first Spark release that has them. */
export const FEATURES = {
  arrowBatchChunking: [4, 1],
  declarativePipelines: [4, 1],
  getStatus: [4, 2],
  catalogListViews: [4, 2],
} as const satisfies Record<string, readonly [number, number]>;

export function supports(version: SparkVersion, feature: keyof typeof FEATURES): boolean {
  const [major, minor] = FEATURES[feature];
  return version.atLeast(major, minor);
}
