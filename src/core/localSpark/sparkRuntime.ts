import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PINNED_PYSPARK_VERSION } from './pinnedVersions.js';
import { assertLocalRuntimeSupported } from './platformSupport.js';
import { findPython, PrerequisiteError } from './prerequisites.js';
import { runProcess } from './processRunner.js';

export interface SparkRuntime {
  readonly pysparkVersion: string;
  /** The pyspark package folder: it is a Spark distribution (bin/spark-submit, jars/). */
  readonly sparkHome: string;
  readonly pythonExecutable: string;
}

interface InstallMarker {
  pysparkVersion: string;
  sparkHome: string;
  pythonExecutable: string;
}

/**
 * The pinned pyspark installed into a private venv under `runtimeDir`.
 * A marker file is written only after pip succeeded, so an interrupted install is redone, not trusted.
 */
export class SparkRuntimeInstaller {
  constructor(
    private readonly runtimeDir: string,
    private readonly log: (line: string) => void = () => {},
    private readonly pysparkVersion: string = PINNED_PYSPARK_VERSION,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  private get venvDir(): string {
    return join(this.runtimeDir, `pyspark-${this.pysparkVersion}`, 'venv');
  }

  private get markerPath(): string {
    return join(this.runtimeDir, `pyspark-${this.pysparkVersion}`, 'installed.json');
  }

  /** The installed runtime, or undefined when it still has to be installed. */
  installed(): SparkRuntime | undefined {
    if (!existsSync(this.markerPath)) return undefined;
    const marker = JSON.parse(readFileSync(this.markerPath, 'utf8')) as InstallMarker;
    if (!existsSync(join(marker.sparkHome, 'bin', 'spark-submit'))) return undefined;
    return marker;
  }

  private get helperMarkerPath(): string {
    return join(this.runtimeDir, `pyspark-${this.pysparkVersion}`, 'helper-packages.json');
  }

  /**
   * The runtime with what the Python helper needs on top (pyspark's Spark Connect client: grpcio,
   * pandas, pyarrow…; IPython and matplotlib for notebook cells), installed into the same venv on first
   * use (about 30 s) and again when that list changes.
   */
  async ensureHelperPackages(python?: string): Promise<SparkRuntime> {
    const runtime = await this.ensureInstalled(python);
    // pyspark 4.2 warns that it does not fully support pandas 3.
    const packages = [`pyspark[connect]==${this.pysparkVersion}`, 'pandas<3', 'ipython>=8.18,<10', 'matplotlib>=3.8,<4'];
    const current = () => {
      if (!existsSync(this.helperMarkerPath)) return false;
      const marker = JSON.parse(readFileSync(this.helperMarkerPath, 'utf8')) as { packages?: unknown };
      return JSON.stringify(marker.packages) === JSON.stringify(packages);
    };
    if (current()) return runtime;
    return this.whileLocked(async () => (current() ? runtime : this.installHelperPackages(runtime, packages)));
  }

  private async installHelperPackages(runtime: SparkRuntime, packages: readonly string[]): Promise<SparkRuntime> {
    this.log(`Installing the Python helper's packages (${packages.join(', ')}) (one time)…`);
    const pip = await runProcess(
      runtime.pythonExecutable,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...packages],
      { onOutput: (line) => this.log(line) },
    );
    if (pip.code !== 0) {
      throw new Error(`pip could not install the Python helper's packages: ${lastLines(pip.stderr || pip.stdout)}`);
    }
    writeFileSync(this.helperMarkerPath, JSON.stringify({ packages }));
    return runtime;
  }

  /** `python`: the interpreter to build the venv with, instead of python3/python on the PATH. */
  async ensureInstalled(python?: string): Promise<SparkRuntime> {
    assertLocalRuntimeSupported('The local Spark runtime', this.platform);
    return this.installed() ?? (await this.whileLocked(async () => this.installed() ?? (await this.install(python))));
  }

  /**
   * Runs `work` holding the install lock of this pyspark version: the CLI and editor windows share the
   * runtime home, and two pip installs into one venv would break it. A lock whose process is gone is
   * taken over.
   */
  private async whileLocked<T>(work: () => Promise<T>): Promise<T> {
    const lock = join(this.runtimeDir, `pyspark-${this.pysparkVersion}`, 'install.lock');
    mkdirSync(dirname(lock), { recursive: true });
    let told = false;
    for (;;) {
      try {
        const fd = openSync(lock, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        let holder: number;
        let age: number;
        try {
          holder = Number(readFileSync(lock, 'utf8').trim());
          age = Date.now() - statSync(lock).mtimeMs;
        } catch {
          continue; // released meanwhile
        }
        if (!holder && age < 10_000) {
          // Its process has created it and is writing its pid.
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        if (!holder || !processExists(holder)) {
          rmSync(lock, { force: true });
          continue;
        }
        if (!told)
          this.log(
            `Another Spark Workbench process (pid ${holder}) is installing pyspark ${this.pysparkVersion}: waiting for it…`,
          );
        told = true;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    try {
      return await work();
    } finally {
      rmSync(lock, { force: true });
    }
  }

  private async install(python?: string): Promise<SparkRuntime> {
    const base = await findPython(python ? [python] : undefined);
    this.log(`Installing pyspark ${this.pysparkVersion} into ${this.venvDir} (one time, about 450 MB)…`);
    rmSync(this.venvDir, { recursive: true, force: true });
    mkdirSync(this.venvDir, { recursive: true });
    const venv = await runProcess(base.executable, ['-m', 'venv', this.venvDir]);
    if (venv.code !== 0) {
      throw new PrerequisiteError(
        `Could not create a Python virtual environment with ${base.executable} (${venv.stderr.trim() || `exit ${venv.code}`}). ` +
          `Install the Python venv module (for example 'apt-get install python3-venv').`,
      );
    }
    const venvPython = join(this.venvDir, 'bin', 'python');
    const pip = await runProcess(
      venvPython,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `pyspark==${this.pysparkVersion}`],
      { onOutput: (line) => this.log(line) },
    );
    if (pip.code !== 0) {
      throw new Error(`pip could not install pyspark ${this.pysparkVersion}: ${lastLines(pip.stderr || pip.stdout)}`);
    }
    const located = await runProcess(venvPython, ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))']);
    const sparkHome = located.stdout.trim();
    if (located.code !== 0 || !existsSync(join(sparkHome, 'bin', 'spark-submit'))) {
      throw new Error(`pyspark ${this.pysparkVersion} installed, but its spark-submit was not found under '${sparkHome}'.`);
    }
    const marker: InstallMarker = {
      pysparkVersion: this.pysparkVersion,
      sparkHome,
      pythonExecutable: venvPython,
    };
    writeFileSync(this.markerPath, JSON.stringify(marker, null, 2));
    this.log(`pyspark ${this.pysparkVersion} is installed.`);
    return marker;
  }
}

function lastLines(text: string, count = 5): string {
  return text.trim().split(/\r?\n/).slice(-count).join('\n');
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
