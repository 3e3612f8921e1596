import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { EditorHost } from './editorHost.js';

/** A file's URI and text as the editor has it: the open document's (unsaved edits too), else the disk's. */
export function documentOnDisk(host: Pick<EditorHost, 'openDocuments'>, path: string): { uri: string; text: string } {
  const open = host.openDocuments().find((d) => d.fileName === path);
  if (open) return { uri: open.uri, text: open.text };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // a file gone since the run: its diagnostics go at the start
  }
  return { uri: pathToFileURL(path).href, text };
}
