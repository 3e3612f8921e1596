/**
 * Where the managed runtime works: the local Spark server and the Python helper are started through a
 * POSIX shell and a venv's bin/python, and watched through /proc or kill(0). Everything that only talks
 * to a Spark Connect server (SQL, results, charts, SQL notebook cells, the CLI's sql and chart) works on
 * every platform Node runs on.
 */
export const LOCAL_RUNTIME_PLATFORMS: readonly NodeJS.Platform[] = ['linux', 'darwin'];

/** The local runtime was asked for on a platform it does not run on; says what to do instead. */
export class UnsupportedPlatformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPlatformError';
  }
}

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = {
  win32: 'Windows',
  freebsd: 'FreeBSD',
  openbsd: 'OpenBSD',
  sunos: 'SunOS',
  aix: 'AIX',
};

/** Throws an UnsupportedPlatformError naming `what` unless this platform runs the local runtime. */
export function assertLocalRuntimeSupported(what: string, platform: NodeJS.Platform = process.platform): void {
  if (LOCAL_RUNTIME_PLATFORMS.includes(platform)) return;
  throw new UnsupportedPlatformError(
    `${what} needs Linux, macOS or WSL; this is ${PLATFORM_NAMES[platform] ?? platform}. ` +
      'Open the folder in WSL, or connect to a Spark Connect server (sc://host:port): SQL files, results, charts and SQL notebook cells work with any server.',
  );
}
