/** Markdown that shows `text` as written: no formatting, links or HTML from names or values Spark returns. */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (char) => `\\${char}`);
}
