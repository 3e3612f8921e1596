import { join } from 'node:path';
import type { DefinitionError } from '../../core/pipelines/pipelineRun.js';
import { errorClassDocumentation } from '../../core/sql/sqlErrorDiagnostic.js';
import { rangeOf } from '../../core/sql/textPositions.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import type { DiagnosticItem, DiagnosticSink, TextRange } from '../host/editorHost.js';
import { documentOnDisk } from '../host/documentOnDisk.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

/**
 * Failures of a pipeline's definitions (registration, analysis, run) at the line and column of the
 * statement or decorator in its file. Each run or dry run of a pipeline replaces what its last one
 * showed; an edit of a file takes its errors away (they speak of the text the run read, and the
 * checks as you type speak of the new one).
 */
export class DefinitionDiagnostics implements Disposable {
  private readonly sink: DiagnosticSink;
  /** The URIs each pipeline's last run put diagnostics on. */
  private readonly shown = new Map<string, string[]>();
  private readonly disposables = new DisposableStore();

  constructor(private readonly host: Pick<WorkbenchHost, 'createDiagnostics' | 'openDocuments' | 'onDidChangeDocument'>) {
    this.sink = this.disposables.add(host.createDiagnostics('Spark Pipelines'));
    this.disposables.add(host.onDidChangeDocument(({ document, changes }) => changes.length && this.edited(document.uri)));
  }

  private edited(uri: string): void {
    for (const [spec, uris] of this.shown)
      if (uris.includes(uri)) {
        this.sink.set(uri, []);
        this.shown.set(
          spec,
          uris.filter((u) => u !== uri),
        );
      }
  }

  /** The errors of a run of the pipeline in `folder` (paths relative to it); none clears them. */
  show(specPath: string, folder: string, errors: readonly DefinitionError[]): void {
    for (const uri of this.shown.get(specPath) ?? []) this.sink.set(uri, []);
    const byUri = new Map<string, DiagnosticItem[]>();
    for (const error of errors) {
      const path = join(folder, ...error.file.split('/'));
      const { uri, text } = documentOnDisk(this.host, path);
      const items = byUri.get(uri) ?? [];
      items.push({
        range: rangeOfError(text, error),
        message: error.message,
        severity: 'error',
        code: error.code ? { value: error.code, target: errorClassDocumentation(error.code) } : undefined,
        source: 'Spark pipelines',
      });
      byUri.set(uri, items);
    }
    for (const [uri, items] of byUri) this.sink.set(uri, items);
    this.shown.set(specPath, [...byUri.keys()]);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

/** The exact span when Spark gave one; else from the column to the end of the line's code. */
function rangeOfError(text: string, error: DefinitionError): TextRange {
  if (error.start !== undefined && error.end !== undefined && error.end <= text.length)
    return rangeOf(text, error.start, error.end);
  const line = text.split('\n')[error.line - 1] ?? '';
  const first = Math.max(error.column - 1, line.length - line.trimStart().length);
  return {
    startLine: error.line - 1,
    startCharacter: first,
    endLine: error.line - 1,
    endCharacter: Math.max(first + 1, line.trimEnd().length),
  };
}
