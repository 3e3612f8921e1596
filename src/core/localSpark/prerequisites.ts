import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_JAVA_MAJOR, MIN_PYTHON } from './pinnedVersions.js';
import { runProcess } from './processRunner.js';

/** A missing or too-old tool, with a sentence that says what to install. */
export class PrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrerequisiteError';
  }
}

export interface JavaInstallation {
  readonly javaHome: string | undefined;
  readonly executable: string;
  readonly major: number;
}

export interface PythonInstallation {
  readonly executable: string;
  readonly version: string;
}

/** Parses the first line of `java -version` ("17.0.15", "1.8.0_392", "21"), returning the major version. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

export function parsePythonVersion(output: string): { major: number; minor: number; text: string } | undefined {
  const match = /Python (\d+)\.(\d+)(\.\d+)?/.exec(output);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    text: match[0].slice('Python '.length),
  };
}

/**
 * The Java the local server runs on: `configuredHome` when given (it must hold bin/java: a wrong setting
 * should say so, not fall back to another Java quietly), else JAVA_HOME, else `java` on the PATH.
 */
export async function findJava(env: NodeJS.ProcessEnv = process.env, configuredHome?: string): Promise<JavaInstallation> {
  if (configuredHome !== undefined) {
    if (!existsSync(join(configuredHome, 'bin', 'java'))) {
      throw new PrerequisiteError(
        `The Java home configured for the local Spark server, '${configuredHome}', has no bin/java. ` +
          `Point it at a JDK ${MIN_JAVA_MAJOR}+, or leave it empty to use JAVA_HOME or java on the PATH.`,
      );
    }
    env = { ...env, JAVA_HOME: configuredHome };
  }
  const javaHome = env.JAVA_HOME;
  const executable = javaHome && existsSync(join(javaHome, 'bin', 'java')) ? join(javaHome, 'bin', 'java') : 'java';
  let output: string;
  try {
    const result = await runProcess(executable, ['-version'], { env });
    output = result.stderr + result.stdout;
  } catch {
    throw new PrerequisiteError(
      `Java ${MIN_JAVA_MAJOR} or newer is required to run a local Spark server, but no 'java' was found. ` +
        `Install a JDK ${MIN_JAVA_MAJOR}+ (for example 'apt-get install openjdk-17-jdk-headless') or set JAVA_HOME.`,
    );
  }
  const major = parseJavaMajor(output);
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    throw new PrerequisiteError(
      `Java ${MIN_JAVA_MAJOR} or newer is required to run a local Spark server, but '${executable}' is ` +
        `${major === undefined ? 'of an unknown version' : `Java ${major}`}. Install a JDK ${MIN_JAVA_MAJOR}+ or point JAVA_HOME at one.`,
    );
  }
  return { javaHome, executable, major };
}

export async function findPython(candidates: readonly string[] = ['python3', 'python']): Promise<PythonInstallation> {
  const seen: string[] = [];
  for (const candidate of candidates) {
    try {
      const result = await runProcess(candidate, ['--version']);
      const version = parsePythonVersion(result.stdout + result.stderr);
      if (!version) continue;
      if (version.major > MIN_PYTHON.major || (version.major === MIN_PYTHON.major && version.minor >= MIN_PYTHON.minor)) {
        return { executable: candidate, version: version.text };
      }
      seen.push(`${candidate} is Python ${version.text}`);
    } catch {
      // A name not on the PATH: try the next one. A path someone configured is worth naming.
      if (candidate.includes('/') || candidate.includes('\\')) seen.push(`'${candidate}' could not be run`);
    }
  }
  const found = seen.length ? ` (found: ${seen.join('; ')})` : '';
  throw new PrerequisiteError(
    `Python ${MIN_PYTHON.major}.${MIN_PYTHON.minor} or newer is required to install the local Spark runtime${found}. ` +
      `Install Python ${MIN_PYTHON.major}.${MIN_PYTHON.minor}+ with the venv module (for example 'apt-get install python3 python3-venv').`,
  );
}
