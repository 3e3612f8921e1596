import type { Document } from 'yaml';

/** A YAML document's syntax errors, each at its range, as a problem of any of our YAML files. */
export function yamlSyntaxProblems(document: Pick<Document, 'errors'>): {
  start: number;
  end: number;
  severity: 'error';
  message: string;
}[] {
  return document.errors.map((error) => ({
    start: error.pos[0],
    end: Math.max(error.pos[1], error.pos[0] + 1),
    severity: 'error',
    message: `YAML: ${error.message.split('\n')[0]}`,
  }));
}
