import { PINNED_PYSPARK_VERSION } from '../localSpark/pinnedVersions.js';

export interface GithubWorkflowOptions {
  /** The pipeline's name (the spec's `name`). */
  readonly pipelineName: string;
  /** The spec's folder relative to the repository root ('' or '.' for the root), with forward slashes. */
  readonly projectFolder: string;
  /** What `npm install --global` installs to get the CLI: a git URL, a tarball URL, a registry name. */
  readonly cliPackage: string;
  /** The workflow file's path relative to the repository root. */
  readonly workflowPath: string;
}

/** A YAML double-quoted scalar (JSON's string syntax is one). */
const quoted = (value: string) => JSON.stringify(value);

/** The workflow's file name for a pipeline: one workflow per pipeline, so several can live in one repository. */
export function githubWorkflowFileName(pipelineName: string): string {
  return `spark-pipeline-${pipelineName.replace(/[^\w-]/g, '_')}.yml`;
}

/**
 * A GitHub Actions workflow for one pipeline: validate the spec, start the pinned local Spark, dry-run,
 * run it with its data-quality checks, and upload the checks' results to code scanning as SARIF (each
 * failing check an alert at the line that declares it). It runs on pushes and pull requests that touch
 * the project, and by hand.
 */
export function githubWorkflow(options: GithubWorkflowOptions): string {
  const folder = options.projectFolder === '.' ? '' : options.projectFolder.replace(/\/+$/, '');
  const spec = folder ? `${folder}/spark-pipeline.yml` : 'spark-pipeline.yml';
  const paths = [folder ? `${folder}/**` : '**', options.workflowPath].map(quoted).join(', ');
  const sarif = 'spark-quality.sarif';
  return `# Spark Workbench: validates, dry-runs and runs the pipeline ${options.pipelineName} on a local Spark
# ${PINNED_PYSPARK_VERSION} (the pinned pyspark, started by the CLI), with its data-quality checks; their results go to
# code scanning, each failing check at the line that declares it.
# Made by \`spark-workbench pipeline init --ci github\`; edit freely.
name: ${quoted(`Pipeline ${options.pipelineName}`)}

on:
  push:
    branches: [main]
    paths: [${paths}]
  pull_request:
    paths: [${paths}]
  workflow_dispatch:

permissions:
  contents: read
  # upload-sarif writes the data-quality results to code scanning.
  security-events: write

concurrency:
  group: \${{ github.workflow }}-\${{ github.ref }}
  cancel-in-progress: true

jobs:
  pipeline:
    name: ${quoted(`Validate, dry-run and check ${options.pipelineName}`)}
    runs-on: ubuntu-latest
    timeout-minutes: 45
    env:
      # The CLI is installed with npm from here: a git URL, a tarball URL or a registry name.
      SPARK_WORKBENCH_CLI: ${quoted(options.cliPackage)}
      SPEC: ${quoted(spec)}
      SPARK_PORT: "15002"
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-java@v4
        with:
          distribution: temurin
          java-version: "17"
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - uses: actions/setup-node@v4
        with:
          node-version: "20"
      - name: Cache the pinned pyspark
        uses: actions/cache@v4
        with:
          path: ~/.local/share/spark-workbench/pyspark-${PINNED_PYSPARK_VERSION}
          key: spark-workbench-pyspark-${PINNED_PYSPARK_VERSION}-\${{ runner.os }}
      - name: Install the Spark Workbench CLI
        run: npm install --global "$SPARK_WORKBENCH_CLI"
      - name: Validate the spec
        run: spark-workbench pipeline validate "$SPEC"
      - name: Start a local Spark server
        run: spark-workbench server start --port "$SPARK_PORT"
      - name: Dry run
        run: spark-workbench pipeline dry-run "$SPEC" --port "$SPARK_PORT"
      - name: Run, with the data-quality checks
        run: spark-workbench pipeline run "$SPEC" --port "$SPARK_PORT" --full-refresh-all --report sarif --out ${sarif}
      - name: Upload the data-quality results to code scanning
        if: always() && hashFiles('${sarif}') != ''
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: ${sarif}
          category: ${quoted(`spark-pipeline-${options.pipelineName}`)}
      - name: Stop the local Spark server
        if: always()
        run: spark-workbench server stop --port "$SPARK_PORT"
`;
}
