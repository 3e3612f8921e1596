import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { SpecCheck } from '../../core/pipelines/pipelineSpec.js';
import type { Environment } from '../../core/environments/environments.js';
import { specForEnvironment } from '../../core/environments/environmentSpec.js';
import { DisposableStore, Emitter, type Disposable } from '../../core/util/events.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { PipelineEngine } from './pipelineEngine.js';

export const SPEC_GLOB = '**/spark-pipeline.{yml,yaml}';
const EXCLUDE = '**/{node_modules,.git,.spark,.venv,venv}/**';

/** A Spark Declarative Pipelines project of the workspace: its spec, read and checked. */
export interface PipelineProject {
  readonly specPath: string;
  readonly folder: string;
  /** The spec's `name`, else its folder's. */
  readonly name: string;
  readonly check: SpecCheck;
  /** The spec's text as checked (an open editor's, unsaved edits included). */
  readonly text: string;
}

export function isSpecFile(path: string): boolean {
  return /^spark-pipeline\.ya?ml$/.test(basename(path));
}

/**
 * The workspace's pipeline projects, found by their spec files and read again when a spec or a
 * definition file changes on disk or in an editor.
 */
export class PipelineProjects implements Disposable {
  private found: Promise<PipelineProject[]> | undefined;
  private readonly changed = new Emitter<void>();
  readonly onDidProjectsChange = this.changed.event;
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: Pick<WorkbenchHost, 'findFiles' | 'watchFiles' | 'openDocuments' | 'onDidChangeDocument'>,
    private readonly engine: () => Promise<PipelineEngine>,
    /** The environment of the connection (spark-workbench.yml): its catalog, schema, storage and settings over the spec's. */
    private readonly environment: () => Environment | undefined = () => undefined,
  ) {
    const stale = () => this.rescan();
    this.disposables.add(host.watchFiles('**/*.{yml,yaml,sql,py}', stale));
    this.disposables.add(
      host.onDidChangeDocument(({ document }) => {
        if (isSpecFile(document.fileName)) stale();
      }),
    );
  }

  /** Forgets what was found: the next list() looks again (files were written, or a watcher told). */
  rescan(): void {
    this.found = undefined;
    this.changed.fire();
  }

  /** Every project, sorted by path. */
  list(): Promise<PipelineProject[]> {
    this.found ??= this.host
      .findFiles(SPEC_GLOB, EXCLUDE)
      .then((paths) => Promise.all(paths.sort().map((path) => this.load(path))))
      .then((projects) => projects.filter((p): p is PipelineProject => !!p));
    return this.found;
  }

  /** The project of a spec, read now (from its editor when open). */
  async load(specPath: string): Promise<PipelineProject | undefined> {
    const text = this.textOf(specPath);
    if (text === undefined) return undefined;
    const checked = (await this.engine()).checkSpec(text, specPath);
    const check = checked.spec ? { ...checked, spec: specForEnvironment(checked.spec, this.environment()) } : checked;
    const written = /^name\s*:\s*["']?([^"'\n#]+?)["']?\s*(#.*)?$/m.exec(text)?.[1];
    return { specPath, folder: dirname(specPath), name: check.spec?.name ?? written ?? basename(dirname(specPath)), check, text };
  }

  /** The project a definition file (or spec) belongs to: the one whose libraries list it. */
  async projectOf(path: string): Promise<PipelineProject | undefined> {
    const projects = await this.list();
    if (isSpecFile(path)) return projects.find((p) => p.specPath === path) ?? this.load(path);
    return projects.find((p) => p.check.files.some((file) => join(p.folder, ...file.split('/')) === path));
  }

  /**
   * The project a file belongs to: one whose libraries list it, else the one whose spec sits in the
   * same folder (its `spark-quality.yml`, a notebook beside it).
   */
  async projectBeside(path: string): Promise<PipelineProject | undefined> {
    const listed = await this.projectOf(path);
    if (listed) return listed;
    const projects = await this.list();
    return projects.find((p) => p.folder === dirname(path));
  }

  /** A file's path relative to the project's folder, as the spec's libraries name it. */
  static relativePath(project: PipelineProject, path: string): string {
    return relative(project.folder, path).split(sep).join('/');
  }

  private textOf(path: string): string | undefined {
    const open = this.host.openDocuments().find((d) => d.fileName === path);
    if (open) return open.text;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    this.disposables.dispose();
    this.changed.dispose();
  }
}
