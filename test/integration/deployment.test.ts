import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { projectRoot, runtimeDir } from '../support/sparkTestServer.js';

interface KubernetesModel {
  validate(): void;
}
type KubernetesDocument = { apiVersion: string; kind: string; metadata?: { name?: string } } & Record<string, unknown>;

/** Kubernetes' own schema of a document's kind, through kubernetes-models (its OpenAPI schemas, with ajv). */
async function kubernetesModel(document: KubernetesDocument): Promise<KubernetesModel> {
  const [group, version] = document.apiVersion.includes('/') ? document.apiVersion.split('/') : ['', document.apiVersion];
  const models = (await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`)) as Record<
    string,
    new (data: KubernetesDocument) => KubernetesModel
  >;
  const Model = models[document.kind];
  assert.ok(Model, `kubernetes-models knows ${document.apiVersion} ${document.kind}`);
  return new Model(document);
}

/** The classes a deployment file starts, as the pinned pyspark's jars hold them. */
function sparkClasses(): Set<string> {
  const jars = join(runtimeDir(), 'pyspark-4.2.1', 'venv', 'lib', 'python3.11', 'site-packages', 'pyspark', 'jars');
  const classes = new Set<string>();
  for (const jar of readdirSync(jars).filter((name) => /^spark-(core|connect|kubernetes)_/.test(name)))
    for (const line of execFileSync('unzip', ['-Z1', join(jars, jar)], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n'))
      if (line.endsWith('.class')) classes.add(line.replace(/\.class$/, '').replace(/\//g, '.'));
  return classes;
}

/**
 * deploy/: the Docker Compose file loaded by Docker Compose's own loader (compose-go, which checks the
 * Compose specification's schema), the Kubernetes manifests validated against Kubernetes' schemas, and
 * the Spark classes both start present in the pinned Spark. Nothing here runs a container.
 */
describe('deployment files (deploy/)', function () {
  this.timeout(600_000);
  const deploy = join(projectRoot(), 'deploy');
  const work = mkdtempSync(join(tmpdir(), 'sw-deploy-'));
  let classes: Set<string>;
  before(() => {
    classes = sparkClasses();
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("compose.yml loads with Docker Compose's loader: master, two workers, Connect with the token and the warehouse volume", () => {
    const checker = join(work, 'composecheck');
    const built = spawnSync('go', ['build', '-o', checker, '.'], {
      cwd: join(projectRoot(), 'test', 'deploy', 'composecheck'),
      encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);
    const file = join(deploy, 'compose', 'compose.yml');
    const load = (env: NodeJS.ProcessEnv, path = file) =>
      spawnSync(checker, [path], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    const refused = load({});
    assert.notEqual(refused.status, 0, 'no token, no cluster');
    assert.match(refused.stderr, /required variable SPARK_CONNECT_TOKEN is missing a value/);
    const loaded = load({ SPARK_CONNECT_TOKEN: 'the-token' });
    assert.equal(loaded.status, 0, loaded.stderr);
    const project = JSON.parse(loaded.stdout) as {
      services: Record<
        string,
        { image: string; command: string[]; ports: string[] | null; volumes: string[]; environment: Record<string, string> }
      >;
    };
    assert.deepEqual(Object.keys(project.services).sort(), ['spark-connect', 'spark-master', 'spark-worker-1', 'spark-worker-2']);
    const connect = project.services['spark-connect']!;
    assert.equal(connect.environment.SPARK_CONNECT_AUTHENTICATE_TOKEN, 'the-token');
    assert.deepEqual(connect.ports, ['127.0.0.1:15002:15002', '127.0.0.1:4040:4040'], 'published on loopback only');
    assert.ok(connect.command.includes('spark://spark-master:7077'));
    for (const worker of ['spark-worker-1', 'spark-worker-2']) {
      assert.ok(project.services[worker]!.command.includes('spark://spark-master:7077'));
      assert.deepEqual(
        project.services[worker]!.volumes,
        ['warehouse:/opt/spark/work-dir'],
        'executors write where the driver reads',
      );
    }
    for (const service of Object.values(project.services)) {
      assert.equal(service.image, 'apache/spark:4.2.1', 'the image of the pinned Spark version');
      const started = service.command.find((part) => /^org\.apache\.spark\./.test(part));
      assert.ok(started && classes.has(started), `${started} is in the pinned Spark`);
    }
    // A mistake is caught: a port that is not a port.
    const broken = join(work, 'broken.yml');
    writeFileSync(broken, readFileSync(file, 'utf8').replace('"127.0.0.1:8080:8080"', '{ target: eighty }'));
    assert.notEqual(load({ SPARK_CONNECT_TOKEN: 'x' }, broken).status, 0);
  });

  it("the Kubernetes manifests pass Kubernetes' schemas: the Connect server's Deployment, Services and RBAC", async () => {
    const text = readFileSync(join(deploy, 'kubernetes', 'spark-connect.yaml'), 'utf8');
    const documents = parseAllDocuments(text).map((d) => d.toJS() as KubernetesDocument);
    assert.deepEqual(
      documents.map((d) => `${d.kind}/${d.metadata?.name}`),
      [
        'ServiceAccount/spark-connect',
        'Role/spark-connect-driver',
        'RoleBinding/spark-connect-driver',
        'Deployment/spark-connect',
        'Service/spark-connect',
        'Service/spark-connect-driver',
      ],
    );
    for (const document of documents) (await kubernetesModel(document)).validate();
    const deployment = documents[3] as unknown as {
      spec: {
        template: { spec: { containers: { command: string[]; env: { name: string; valueFrom?: unknown; value?: string }[] }[] } };
      };
    };
    const container = deployment.spec.template.spec.containers[0]!;
    const token = container.env.find((e) => e.name === 'SPARK_CONNECT_AUTHENTICATE_TOKEN');
    assert.deepEqual(
      token?.valueFrom,
      { secretKeyRef: { name: 'spark-connect-token', key: 'token' } },
      'the token from a Secret, never in the file',
    );
    assert.ok(classes.has(container.command[container.command.indexOf('--class') + 1]!));
    assert.ok(
      classes.has('org.apache.spark.scheduler.cluster.k8s.KubernetesClusterManager'),
      "the pinned Spark has Spark's Kubernetes backend",
    );
    // A mistake is caught: a port number that is text.
    const broken = structuredClone(documents[4]!) as KubernetesDocument & { spec: { ports: { port: unknown }[] } };
    broken.spec.ports[0]!.port = 'fifteen';
    await assert.rejects(async () => (await kubernetesModel(broken)).validate());
  });
});
