import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import type { SpecProblem } from '../../core/pipelines/pipelineSpec.js';
import { rangeOf } from '../../core/sql/textPositions.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import type { CodeActionItem, CodeActionSource, DiagnosticSink, DocumentSnapshot } from '../host/editorHost.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import { isSpecFile, type PipelineProject, type PipelineProjects } from './pipelineProjects.js';

const DEBOUNCE_MS = 250;

/**
 * The spec as you type: every open spark-pipeline.yml|yaml is checked on open, on each edit (after a
 * pause) and when definition files come or go, its problems shown at their ranges, with quick fixes.
 */
export class SpecDiagnostics implements CodeActionSource, Disposable {
  private readonly sink: DiagnosticSink;
  private readonly problems = new Map<string, { version: number; problems: readonly SpecProblem[] }>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: Pick<
      WorkbenchHost,
      'createDiagnostics' | 'onDidChangeDocument' | 'onDidOpenDocument' | 'onDidCloseDocument' | 'openDocuments' | 'watchFiles'
    >,
    private readonly projects: Pick<PipelineProjects, 'load'>,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.sink = this.disposables.add(host.createDiagnostics('Spark Pipelines spec'));
    this.disposables.add(host.onDidOpenDocument((document) => this.schedule(document, 0)));
    this.disposables.add(host.onDidChangeDocument(({ document }) => this.schedule(document, DEBOUNCE_MS)));
    this.disposables.add(
      host.onDidCloseDocument((uri) => {
        this.problems.delete(uri);
        this.sink.set(uri, []);
      }),
    );
    // A library matches files on disk: creating or deleting one changes what the spec's globs find.
    // What a run writes under a spec's storage (tables, checkpoints) changes nothing.
    this.disposables.add(
      host.watchFiles('**/*', (path) => {
        if (![...this.storageFolders.values()].some((folder) => path.startsWith(`${folder}${sep}`)))
          this.checkOpenSpecs(DEBOUNCE_MS);
      }),
    );
    this.checkOpenSpecs(0);
  }

  /** Shows the problems of a project as just read and checked (a run's); returns whether it can run. */
  showProject(project: PipelineProject): boolean {
    const path = project.specPath;
    this.rememberStorage(project);
    const uri = this.host.openDocuments().find((d) => d.fileName === path)?.uri ?? pathToFileURL(path).href;
    this.publish(uri, path, project.text, -1, project.check.problems);
    return !!project.check.spec && !twinOf(path);
  }

  private checkOpenSpecs(delay: number): void {
    for (const document of this.host.openDocuments()) this.schedule(document, delay);
  }

  private schedule(document: DocumentSnapshot, delay: number): void {
    if (!isSpecFile(document.fileName)) return;
    clearTimeout(this.timers.get(document.uri));
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        this.check(document.uri, document.fileName).catch(this.onFailure);
      }, delay),
    );
  }

  private async check(uri: string, path: string): Promise<void> {
    const project = await this.projects.load(path);
    const document = this.host.openDocuments().find((d) => d.uri === uri);
    if (!project || !document) return;
    this.rememberStorage(project);
    this.publish(uri, path, project.text, document.version, project.check.problems);
  }

  /** The local storage folder of each spec checked, by spec path. */
  private readonly storageFolders = new Map<string, string>();

  private rememberStorage(project: PipelineProject): void {
    // Read from the text too: a spec with a mistake elsewhere still names where its runs write.
    const storage = project.check.spec?.storage ?? /^storage\s*:\s*["']?(file:[^"'\s#]+)/m.exec(project.text)?.[1];
    if (storage?.startsWith('file:')) this.storageFolders.set(project.specPath, fileURLToPath(storage));
    else this.storageFolders.delete(project.specPath);
  }

  private publish(uri: string, path: string, text: string, version: number, found: readonly SpecProblem[]): void {
    const twin = twinOf(path);
    const problems: SpecProblem[] = [...found];
    if (twin)
      problems.unshift({
        start: 0,
        end: Math.max(1, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n')),
        severity: 'error',
        message: `${basename(twin)} is next to this spec: Spark refuses a folder with both. Keep one.`,
      });
    this.problems.set(uri, { version, problems });
    this.sink.set(
      uri,
      problems.map((problem) => ({
        range: rangeOf(text, problem.start, problem.end),
        message: problem.message,
        severity: problem.severity,
        code: problem.code ? { value: problem.code } : undefined,
        source: 'Spark pipelines',
      })),
    );
  }

  /** The fixes of the problems at [start, end). */
  actions(document: DocumentSnapshot, start: number, end: number): CodeActionItem[] {
    const shown = this.problems.get(document.uri);
    if (!shown) return [];
    return shown.problems
      .filter((p) => p.fix && p.start <= end && p.end >= start)
      .map((p) => ({
        title: p.fix!.title,
        edits: [{ start: p.fix!.start, end: p.fix!.end, text: p.fix!.text }],
        preferred: true,
      }));
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.disposables.dispose();
  }
}

function twinOf(specPath: string): string | undefined {
  const other = join(dirname(specPath), basename(specPath).endsWith('.yml') ? 'spark-pipeline.yaml' : 'spark-pipeline.yml');
  return existsSync(other) ? other : undefined;
}
