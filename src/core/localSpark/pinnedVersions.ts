/**
 * The Spark release the managed local server runs and the protocol code is generated from.
 * One pin for both, so the client is always built from the protos of the server it tests against.
 */
export const PINNED_PYSPARK_VERSION = '4.2.1';
export const MIN_JAVA_MAJOR = 17;
export const MIN_PYTHON = { major: 3, minor: 10 } as const;
export const DEFAULT_CONNECT_PORT = 15002;
