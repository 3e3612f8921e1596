import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { githubWorkflow, githubWorkflowFileName } from '../../src/core/pipelines/githubWorkflow.js';

interface Workflow {
  name: string;
  on: { push: { paths: string[] }; pull_request: { paths: string[] } };
  permissions: Record<string, string>;
  jobs: { pipeline: { env: Record<string, string>; steps: { uses?: string; run?: string; with?: Record<string, string> }[] } };
}

describe('the GitHub Actions workflow of a pipeline', () => {
  const workflow = (projectFolder: string, pipelineName = 'sales', cliPackage = 'github:o/spark-workbench#v1') =>
    parse(
      githubWorkflow({
        pipelineName,
        projectFolder,
        cliPackage,
        workflowPath: `.github/workflows/${githubWorkflowFileName(pipelineName)}`,
      }),
    ) as Workflow;

  it('runs on changes to the project and to itself, and may write code-scanning alerts only', () => {
    const w = workflow('pipelines/sales');
    assert.deepEqual(w.on.push.paths, ['pipelines/sales/**', '.github/workflows/spark-pipeline-sales.yml']);
    assert.deepEqual(w.on.pull_request.paths, w.on.push.paths);
    assert.deepEqual(w.permissions, { contents: 'read', 'security-events': 'write' });
    assert.equal(w.jobs.pipeline.env.SPEC, 'pipelines/sales/spark-pipeline.yml');
  });

  it('a project at the root of the repository watches every path', () => {
    const w = workflow('.');
    assert.equal(w.on.push.paths[0], '**');
    assert.equal(w.jobs.pipeline.env.SPEC, 'spark-pipeline.yml');
  });

  it('quotes what it is given, so a name or package with YAML syntax stays one value', () => {
    const w = workflow('x', 'a: b # c', 'https://example.test/cli.tgz?x=1#y');
    assert.equal(w.name, 'Pipeline a: b # c');
    assert.equal(w.jobs.pipeline.env.SPARK_WORKBENCH_CLI, 'https://example.test/cli.tgz?x=1#y');
    assert.equal(githubWorkflowFileName('a: b # c'), 'spark-pipeline-a__b___c.yml');
  });

  it('validates, starts Spark, dry-runs, runs with SARIF, uploads it even after a failure, and stops Spark', () => {
    const steps = workflow('sales').jobs.pipeline.steps;
    const runs = steps.filter((s) => s.run).map((s) => s.run!.split(' ').slice(0, 3).join(' '));
    assert.deepEqual(runs, [
      'npm install --global',
      'spark-workbench pipeline validate',
      'spark-workbench server start',
      'spark-workbench pipeline dry-run',
      'spark-workbench pipeline run',
      'spark-workbench server stop',
    ]);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    assert.equal(upload.with!.sarif_file, 'spark-quality.sarif');
    assert.match((upload as { if?: string }).if!, /^always\(\)/);
  });
});
