import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { githubWorkflow, githubWorkflowFileName } from '../core/pipelines/githubWorkflow.js';
import { UsageError } from './errorReport.js';

/** The root of the git repository holding `folder` (the nearest folder up with a `.git`), else `folder`. */
export function repositoryRoot(folder: string): string {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return folder;
  }
}

/** spark-workbench is not on npm's registry, so the workflow must be told where to install it from. */
export function requireCliPackage(cliPackage: string | undefined): string {
  if (cliPackage) return cliPackage;
  throw new UsageError(
    "--ci github needs --cli-package: what the workflow installs with 'npm install --global' to get spark-workbench " +
      '(a git URL such as github:OWNER/spark-workbench#TAG, or the URL of a tarball made by npm pack).',
  );
}

/**
 * Writes the pipeline's GitHub Actions workflow into `.github/workflows/` of the repository that holds the
 * project (the project's folder when it is in none); never over an existing file. Returns its path.
 */
export function writeGithubWorkflow(
  projectFolder: string,
  pipelineName: string,
  cliPackage: string,
  log: (line: string) => void,
): string {
  const root = repositoryRoot(projectFolder);
  const path = join(root, '.github', 'workflows', githubWorkflowFileName(pipelineName));
  if (existsSync(path)) throw new UsageError(`${path} exists already; remove it to make it anew.`);
  mkdirSync(dirname(path), { recursive: true });
  const toPosix = (p: string) => p.split(sep).join('/');
  writeFileSync(
    path,
    githubWorkflow({
      pipelineName,
      projectFolder: toPosix(relative(root, projectFolder)) || '.',
      cliPackage,
      workflowPath: toPosix(relative(root, path)),
    }),
  );
  log(`Wrote the GitHub Actions workflow ${path}: validate, dry run, run with the data-quality checks, SARIF to code scanning.`);
  return path;
}
