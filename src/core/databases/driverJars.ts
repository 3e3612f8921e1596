import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Artifact } from '../connect/artifactRequests.js';
import { driverOf, type DatabaseSource } from './databaseSources.js';

const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2';

/**
 * The JDBC driver jars these sources need, as artifacts for a server that lacks them (a server of the
 * user's, not the managed local one, which gets them with --packages): a jar path as it is, Maven
 * coordinates from Maven Central into `cacheDir` once (checked against its SHA-1). Only the driver's own
 * jar: a driver with dependencies of its own needs them installed on the server.
 */
export async function driverArtifacts(sources: readonly DatabaseSource[], cacheDir: string): Promise<Artifact[]> {
  const jars = new Set<string>();
  for (const source of sources) {
    const driver = driverOf(source);
    if (driver.jar) jars.add(driver.jar);
    else if (driver.coordinates) jars.add(await mavenJar(driver.coordinates, cacheDir));
  }
  return [...jars].map((jar) => ({ name: `jars/${basename(jar)}`, data: readFileSync(jar) }));
}

/** A jar of Maven Central in the cache, fetched once. */
export async function mavenJar(coordinates: string, cacheDir: string): Promise<string> {
  const [group, artifact, version] = coordinates.split(':') as [string, string, string];
  const file = join(cacheDir, `${artifact}-${version}.jar`);
  if (existsSync(file)) return file;
  const url = `${MAVEN_CENTRAL}/${group.replaceAll('.', '/')}/${artifact}/${version}/${artifact}-${version}.jar`;
  const [jar, sha1] = await Promise.all([download(url), download(`${url}.sha1`)]);
  const expected = sha1.toString('utf8').trim().split(/\s+/)[0]!.toLowerCase();
  const actual = createHash('sha1').update(jar).digest('hex');
  if (actual !== expected) throw new Error(`${url} did not match its SHA-1 (${actual}, expected ${expected}).`);
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, jar);
  renameSync(partial, file);
  return file;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url).catch((error: Error) => {
    throw new Error(`Could not fetch ${url}: ${error.message}`);
  });
  if (!response.ok) throw new Error(`Could not fetch ${url}: HTTP ${response.status}.`);
  return Buffer.from(await response.arrayBuffer());
}
