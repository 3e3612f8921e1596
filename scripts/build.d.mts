/** Types of build.mjs for TypeScript callers (the activation benchmark). */
export function buildExtension(options?: { outdir?: string; production?: boolean; split?: boolean }): Promise<string[]>;
