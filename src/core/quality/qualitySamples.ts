import { markdownText } from '../util/markdownText.js';
import type { CheckResult } from './qualityEvaluation.js';

const MAX_COLUMNS = 12;
const MAX_VALUE = 80;

/**
 * A failed check's sample rows as Markdown for a hover: a table of the whole rows (not_null,
 * expectations: JSON objects, NULL shown as NULL), else a list of the failing values. Every value is
 * escaped: data renders as text, never as Markdown or HTML.
 */
export function samplesMarkdown(result: CheckResult): string {
  const heading = `**${escapeMarkdown(result.check.name)}**: ${escapeMarkdown(result.message.replace(/^[^:]*:\s*/, ''))}`;
  if (!result.samples.length) return heading;
  const rows = result.samples.map(parseRow);
  if (rows.every((row) => row !== undefined)) {
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row!)))];
    const shown = columns.slice(0, MAX_COLUMNS);
    const more = columns.length > shown.length ? ` (${columns.length - shown.length} more columns not shown)` : '';
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [
      heading,
      '',
      `Sample of failing rows${more}:`,
      '',
      line(shown.map(escapeMarkdown)),
      line(shown.map(() => '---')),
      ...rows.map((row) => line(shown.map((column) => cellText(row![column])))),
    ].join('\n');
  }
  return [heading, '', 'Sample of failing values:', '', ...result.samples.map((value) => `- ${cellText(value)}`)].join('\n');
}

function parseRow(sample: string): Record<string, unknown> | undefined {
  if (!sample.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(sample);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '*NULL*';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === '') return '*(empty)*';
  const short = text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
  return escapeMarkdown(short.replace(/\r?\n/g, ' '));
}

/** Values as text: Markdown's syntax escaped, and quotes too (a value may hold any character). */
export function escapeMarkdown(text: string): string {
  return markdownText(text).replace(/["']/g, '\\$&');
}
