import type { SparkError } from '../../core/connect/sparkError.js';
import { sqlErrorDiagnostic } from '../../core/sql/sqlErrorDiagnostic.js';
import { StatementDiagnostics } from '../../core/sql/statementDiagnostics.js';
import type { SqlStatement } from '../../core/sql/statementSplitter.js';
import { rangeOf } from '../../core/sql/textPositions.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import type { DiagnosticItem, DiagnosticSink, DocumentSnapshot, EditorHost } from '../host/editorHost.js';

interface Shown {
  readonly message: string;
  readonly code?: DiagnosticItem['code'];
}

/**
 * Errors of statements run from an editor, in the Problems panel and as squiggles at the exact range
 * Spark reports. A diagnostic goes when its statement is edited or runs again without an error.
 */
export class SqlDiagnostics implements Disposable {
  private readonly sink: DiagnosticSink;
  private readonly book = new StatementDiagnostics<Shown>();
  private readonly texts = new Map<string, string>();
  private readonly disposables = new DisposableStore();

  constructor(private readonly host: Pick<EditorHost, 'createDiagnostics' | 'onDidChangeDocument' | 'onDidCloseDocument'>) {
    this.sink = this.disposables.add(host.createDiagnostics('Spark SQL'));
    this.disposables.add(
      host.onDidChangeDocument(({ document, changes }) => {
        this.texts.set(document.uri, document.text);
        if (this.book.edit(document.uri, changes)) this.publish(document.uri);
      }),
    );
    this.disposables.add(
      host.onDidCloseDocument((uri) => {
        this.book.forget(uri);
        this.texts.delete(uri);
        this.sink.set(uri, []);
      }),
    );
  }

  /** `statement` of `document` failed with `error`: its diagnostic replaces any earlier one there. */
  failed(document: DocumentSnapshot, statement: SqlStatement, error: SparkError): void {
    const shown = sqlErrorDiagnostic(document.text, statement, error);
    this.texts.set(document.uri, document.text);
    this.book.set(document.uri, {
      statementStart: statement.start,
      statementEnd: statement.end,
      start: shown.start,
      end: shown.end,
      payload: {
        message: shown.message,
        code: shown.errorClass ? { value: shown.errorClass, target: shown.documentation } : undefined,
      },
    });
    this.publish(document.uri);
  }

  /** `statement` ran without an error: its diagnostic goes. */
  succeeded(document: DocumentSnapshot, statement: SqlStatement): void {
    if (this.book.clear(document.uri, statement.start, statement.end)) this.publish(document.uri);
  }

  /** Every diagnostic of a document goes (a notebook cell about to run again). */
  clear(uri: string): void {
    this.book.forget(uri);
    this.sink.set(uri, []);
  }

  private publish(uri: string): void {
    const text = this.texts.get(uri) ?? '';
    this.sink.set(
      uri,
      this.book.get(uri).map((d) => ({
        range: rangeOf(text, d.start, d.end),
        message: d.payload.message,
        severity: 'error',
        code: d.payload.code,
        source: 'Spark',
      })),
    );
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
