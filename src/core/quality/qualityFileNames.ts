/** The names a quality file has beside a pipeline spec; any `*.quality.yml` is one too. */
export const QUALITY_FILE_NAMES = ['spark-quality.yml', 'spark-quality.yaml'] as const;

export function isQualityFile(path: string): boolean {
  return /(^|[\\/])spark-quality\.ya?ml$|\.quality\.ya?ml$/.test(path);
}
