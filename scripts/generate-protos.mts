/**
 * Generates the Spark Connect protocol code from the `.proto` files inside the pinned pyspark's
 * `spark-connect_2.13-<version>.jar` (a registry package), with buf + protoc-gen-es from npm.
 * Skips the work when the generated code already matches the pinned version.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { projectRoot, projectRuntimeDir } from './runtimeDir.mjs';

const protoDir = join(projectRoot, '.proto');
const generatedDir = join(projectRoot, 'src', 'generated');
const stampFile = join(generatedDir, 'GENERATED_FROM');

const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, (line) => console.error(line)).ensureInstalled();
const stamp = `pyspark ${runtime.pysparkVersion}\n`;
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && process.argv[2] !== '--force') {
  process.exit(0);
}

const jarName = readdirSync(join(runtime.sparkHome, 'jars')).find((name) => /^spark-connect_2\.13-.*\.jar$/.test(name));
if (!jarName) throw new Error(`No spark-connect jar in ${runtime.sparkHome}/jars`);
rmSync(protoDir, { recursive: true, force: true });
mkdirSync(protoDir, { recursive: true });
const extract = `
import sys, zipfile
wanted = lambda n: (n.startswith('spark/connect/') and n.endswith('.proto')) or n in ('google/rpc/status.proto', 'google/rpc/error_details.proto')
with zipfile.ZipFile(sys.argv[1]) as jar:
    names = [n for n in jar.namelist() if wanted(n)]
    jar.extractall(sys.argv[2], names)
print(len(names))
`;
const count = execFileSync(runtime.pythonExecutable, ['-c', extract, join(runtime.sparkHome, 'jars', jarName), protoDir], {
  encoding: 'utf8',
}).trim();
rmSync(generatedDir, { recursive: true, force: true });
const bin = join(projectRoot, 'node_modules', '.bin');
execFileSync(join(bin, 'buf'), ['generate'], {
  cwd: projectRoot,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
});
writeFileSync(stampFile, stamp);
console.error(`Generated Spark Connect protocol code from ${count} .proto files of ${jarName}.`);
