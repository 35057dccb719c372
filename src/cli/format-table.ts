// Plain-text output for the CLI: compact aligned tables, status words (optionally coloured), UTC times.
// Widths are measured on the plain text; colour is applied after padding, so columns stay aligned.

import { formatUtcTime, humaniseTimes } from '../contract/time-format.ts';
import { toneOf, type Tone } from '../contract/tone.ts';
import { sanitiseText } from './terminal-text.ts';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Colour for a cell's text (applied after padding); only used when colour is on. */
  style?: (value: string) => ((s: string) => string) | undefined;
  /** Longest cell text; longer values are cut with an ellipsis. */
  max?: number;
}

export interface TableOptions {
  color?: boolean;
  indent?: string;
  gap?: string;
}

export function formatTable<Row>(
  columns: Column<Row>[],
  rows: readonly Row[],
  opts: TableOptions = {},
): string {
  const indent = opts.indent ?? '';
  const gap = opts.gap ?? '  ';
  const cells = rows.map((row) =>
    columns.map((c) => clip(oneLine(humaniseTimes(sanitiseText(c.value(row)))), c.max)),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const lines: string[] = [];
  const header = columns.map((c, i) => pad(c.header, widths[i] ?? 0, i === columns.length - 1)).join(gap);
  lines.push(indent + (opts.color ? bold(header) : header));
  for (const row of cells) {
    const parts = row.map((text, i) => {
      const col = columns[i];
      const padded = pad(text, widths[i] ?? 0, i === columns.length - 1);
      const paint = opts.color && col?.style ? col.style(text) : undefined;
      if (!paint) return padded;
      return paint(text) + padded.slice(text.length);
    });
    lines.push(indent + parts.join(gap));
  }
  return lines.map((l) => l.trimEnd()).join('\n');
}

function pad(s: string, width: number, last: boolean): string {
  return last ? s : s.padEnd(width);
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}

function clip(s: string, max: number | undefined): string {
  if (max === undefined || s.length <= max) return s;
  return `${s.slice(0, Math.max(0, max - 1))}…`;
}

// ---- colour -------------------------------------------------------------------------------------

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const green = ansi('32');
export const yellow = ansi('33');
export const red = ansi('31');
export const cyan = ansi('36');
export const dim = ansi('2');
export const bold = ansi('1');

const TONE_COLOUR: Record<Tone, (s: string) => string> = {
  ok: green,
  info: cyan,
  warn: yellow,
  bad: red,
  neutral: dim,
};

/** The colour of a status word: its tone in the contract's one map (the dashboard's pills use the same). */
export function statusStyle(word: string): (s: string) => string {
  return TONE_COLOUR[toneOf(word)];
}

export function paintStatus(word: string, color: boolean): string {
  const paint = color ? statusStyle(word) : undefined;
  return paint ? paint(word) : word;
}

// ---- values -------------------------------------------------------------------------------------

/** ISO 8601 → "YYYY-MM-DD HH:MM UTC" (the one format, shared with the dashboard); "-" when absent. */
export function utcMinute(iso: string | null | undefined): string {
  if (!iso) return '-';
  return formatUtcTime(iso) ?? iso;
}

export function text(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function plural(n: number, word: string): string {
  if (n === 1) return `${n} ${word}`;
  return `${n} ${word}${/(s|x|ch|sh)$/.test(word) ? 'es' : 's'}`;
}
