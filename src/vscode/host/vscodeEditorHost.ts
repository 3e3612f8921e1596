import * as vscode from 'vscode';
import { besideColumn } from './besideColumn.js';
import type {
  CompletionItem,
  CompletionKind,
  DiagnosticItem,
  DocumentSelector,
  DocumentSnapshot,
  EditorHost,
  TextRange,
} from './editorHost.js';

function completionKind(kind: CompletionKind): vscode.CompletionItemKind {
  const kinds: Record<CompletionKind, vscode.CompletionItemKind> = {
    keyword: vscode.CompletionItemKind.Keyword,
    function: vscode.CompletionItemKind.Function,
    table: vscode.CompletionItemKind.Struct,
    view: vscode.CompletionItemKind.Interface,
    column: vscode.CompletionItemKind.Field,
    schema: vscode.CompletionItemKind.Module,
    catalog: vscode.CompletionItemKind.Folder,
    variable: vscode.CompletionItemKind.Variable,
    property: vscode.CompletionItemKind.Property,
    value: vscode.CompletionItemKind.Value,
    file: vscode.CompletionItemKind.File,
    folder: vscode.CompletionItemKind.Folder,
    snippet: vscode.CompletionItemKind.Snippet,
  };
  return kinds[kind];
}

function severity(of: DiagnosticItem['severity']): vscode.DiagnosticSeverity {
  return of === 'error'
    ? vscode.DiagnosticSeverity.Error
    : of === 'warning'
      ? vscode.DiagnosticSeverity.Warning
      : vscode.DiagnosticSeverity.Information;
}

export function snapshot(document: vscode.TextDocument): DocumentSnapshot {
  return {
    uri: document.uri.toString(),
    fileName: document.fileName,
    languageId: document.languageId,
    version: document.version,
    text: document.getText(),
  };
}

function range(r: TextRange): vscode.Range {
  return new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
}

function selector(of: DocumentSelector): vscode.DocumentFilter {
  return typeof of === 'string' ? { language: of } : { pattern: of.pattern };
}

function findDocument(uri: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
}

/** The editor half of the seam over the real `vscode` module: one API call per member. */
export const vscodeEditorHost: EditorHost = {
  activeEditor: () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const { document } = editor;
    return {
      document: snapshot(document),
      selections: editor.selections
        .filter((s) => !s.isEmpty)
        .map((s) => ({ start: document.offsetAt(s.start), end: document.offsetAt(s.end) })),
      cursor: document.offsetAt(editor.selection.active),
    };
  },
  document: (uri) => {
    const found = findDocument(uri);
    return found && snapshot(found);
  },
  onDidChangeDocument: (listener) =>
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length === 0) return;
      listener({
        document: snapshot(event.document),
        changes: event.contentChanges.map((c) => ({
          start: c.rangeOffset,
          end: c.rangeOffset + c.rangeLength,
          length: c.text.length,
        })),
      });
    }),
  onDidCloseDocument: (listener) => vscode.workspace.onDidCloseTextDocument((document) => listener(document.uri.toString())),
  onDidOpenDocument: (listener) => vscode.workspace.onDidOpenTextDocument((document) => listener(snapshot(document))),
  openDocuments: () => vscode.workspace.textDocuments.map(snapshot),
  createDiagnostics: (name) => {
    const collection = vscode.languages.createDiagnosticCollection(name);
    return {
      set: (uri, items) =>
        collection.set(
          vscode.Uri.parse(uri),
          items.map((item) => {
            const diagnostic = new vscode.Diagnostic(range(item.range), item.message, severity(item.severity));
            diagnostic.source = item.source;
            if (item.code)
              diagnostic.code = item.code.target
                ? { value: item.code.value, target: vscode.Uri.parse(item.code.target) }
                : item.code.value;
            return diagnostic;
          }),
        ),
      dispose: () => collection.dispose(),
    };
  },
  registerCodeActions: (documents, source) =>
    vscode.languages.registerCodeActionsProvider(
      selector(documents),
      {
        provideCodeActions: (document, range, context) =>
          source
            .actions(
              snapshot(document),
              document.offsetAt(range.start),
              document.offsetAt(range.end),
              context.diagnostics.map((d) => ({
                start: document.offsetAt(d.range.start),
                end: document.offsetAt(d.range.end),
                message: d.message,
                source: d.source,
              })),
            )
            .map((item) => {
              const action = new vscode.CodeAction(item.title, vscode.CodeActionKind.QuickFix);
              action.isPreferred = item.preferred;
              if (item.edits.length) {
                action.edit = new vscode.WorkspaceEdit();
                for (const edit of item.edits)
                  action.edit.replace(
                    document.uri,
                    new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end)),
                    edit.text,
                  );
              }
              if (item.command)
                action.command = { command: item.command.id, title: item.title, arguments: [...item.command.args] };
              return action;
            }),
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  registerCodeLenses: (documents, source) => {
    const changed = new vscode.EventEmitter<void>();
    const subscription = source.onDidChange?.(() => changed.fire());
    const registration = vscode.languages.registerCodeLensProvider(selector(documents), {
      onDidChangeCodeLenses: changed.event,
      provideCodeLenses: (document) =>
        source.lenses(snapshot(document)).map(
          (lens) =>
            new vscode.CodeLens(range(lens.range), {
              title: lens.title,
              tooltip: lens.tooltip,
              command: lens.command,
              arguments: [...lens.args],
            }),
        ),
    });
    return {
      dispose: () => {
        registration.dispose();
        subscription?.dispose();
        changed.dispose();
      },
    };
  },
  registerCompletions: (documents, source, triggerCharacters) =>
    vscode.languages.registerCompletionItemProvider(
      selector(documents),
      {
        provideCompletionItems: async (document, position, token) => {
          const abort = new AbortController();
          const cancelled = token.onCancellationRequested(() => abort.abort());
          try {
            const items = await source.complete(snapshot(document), document.offsetAt(position), abort.signal);
            return items.map((item) => completionItem(document, item));
          } catch (error) {
            // A request VS Code cancelled (the person typed on) is no failure: nothing to show, nothing to log.
            if (token.isCancellationRequested) return undefined;
            throw error;
          } finally {
            cancelled.dispose();
          }
        },
      },
      ...triggerCharacters,
    ),
  registerHovers: (documents, source) =>
    vscode.languages.registerHoverProvider(selector(documents), {
      provideHover: async (document, position, token) => {
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        try {
          const info = await source.hover(snapshot(document), document.offsetAt(position), abort.signal);
          if (!info) return undefined;
          // Untrusted Markdown: names and types from Spark render as text, no command links run.
          return new vscode.Hover(
            new vscode.MarkdownString(info.markdown),
            new vscode.Range(document.positionAt(info.start), document.positionAt(info.end)),
          );
        } catch (error) {
          if (token.isCancellationRequested) return undefined;
          throw error;
        } finally {
          cancelled.dispose();
        }
      },
    }),
  registerReadOnlyDocuments: (scheme, content) =>
    vscode.workspace.registerTextDocumentContentProvider(scheme, {
      provideTextDocumentContent: (uri) => content(uri.toString()) ?? '',
    }),
  showDocument: async (uri, options) => {
    let document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    if (options.language && document.languageId !== options.language)
      document = await vscode.languages.setTextDocumentLanguage(document, options.language);
    await vscode.window.showTextDocument(document, {
      viewColumn: options.beside ? besideColumn() : undefined,
      preview: true,
      preserveFocus: false,
    });
  },
  openUntitled: async (language, content) => {
    const document = await vscode.workspace.openTextDocument({ language, content });
    await vscode.window.showTextDocument(document, { preview: false });
  },
  setDocumentLanguage: async (uri, language) => {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (document) await vscode.languages.setTextDocumentLanguage(document, language);
  },
  showFileAt: async (path, line, column) => {
    const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(path), {
      selection: new vscode.Range(position, position),
      preview: true,
    });
  },
};

function completionItem(document: vscode.TextDocument, item: CompletionItem): vscode.CompletionItem {
  const completion = new vscode.CompletionItem(
    item.detail ? { label: item.label, description: item.detail } : item.label,
    completionKind(item.kind),
  );
  completion.insertText = item.snippet && item.insertText ? new vscode.SnippetString(item.insertText) : item.insertText;
  completion.sortText = item.sortText;
  if (item.documentation) completion.documentation = new vscode.MarkdownString(item.documentation);
  if (item.replace)
    completion.range = new vscode.Range(document.positionAt(item.replace.start), document.positionAt(item.replace.end));
  return completion;
}
