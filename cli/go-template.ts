/**
 * The templates of `--format`: a small part of Go's text/template, as docker's `--format`
 * takes it. What it knows:
 *
 *   {{.Field}}  {{.Field.Sub}}   a field of the row (a sub-field: of an object value)
 *   {{.}}                        the whole row
 *   {{json ARG}}                 ARG as JSON, e.g. {{json .}} or {{json .Ports}}
 *   {{upper ARG}} {{lower ARG}}  ARG's text in upper or lower case
 *
 * Text between actions is printed as it is, but for `\t` and `\n` written out (as a shell
 * passes them inside quotes), which are a tab and a newline. A value prints as its text: a
 * string as it is, null as nothing, an object or array as JSON. There are no pipelines,
 * conditions or loops.
 */
import { invalidArgument } from '../lib/errors.js';

type Arg = string[];
type Part = { text: string } | { fn: Fn; arg: Arg; source: string };
type Fn = (value: unknown) => string;

const FUNCTIONS: Record<string, Fn> = {
  json: (v) => JSON.stringify(v ?? null),
  upper: (v) => text(v).toUpperCase(),
  lower: (v) => text(v).toLowerCase(),
};

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export interface Template {
  /** The template applied to one row. */
  render(row: unknown): string;
}

/** Parses `source`, whose top-level fields must be among `fields`: errors name what is wrong. */
export function parseTemplate(source: string, fields: readonly string[]): Template {
  const parts: Part[] = [];
  const literal = (s: string) => s.replaceAll('\\t', '\t').replaceAll('\\n', '\n');
  let rest = source;
  for (let open = rest.indexOf('{{'); open >= 0; open = rest.indexOf('{{')) {
    const close = rest.indexOf('}}', open);
    if (close < 0) throw invalidArgument('--format', 'a template whose every {{ is closed by }}', source);
    if (open > 0) parts.push({ text: literal(rest.slice(0, open)) });
    const action = rest.slice(open + 2, close).trim();
    parts.push(parseAction(action, fields));
    rest = rest.slice(close + 2);
  }
  if (rest) parts.push({ text: literal(rest) });
  return {
    render: (row) => parts.map((p) => ('text' in p ? p.text : p.fn(lookup(row, p.arg, p.source)))).join(''),
  };
}

function parseAction(action: string, fields: readonly string[]): Part {
  const words = action.split(/\s+/);
  const [first = '', second] = words;
  if (words.length > 2 || (words.length === 2 && !(first in FUNCTIONS))) {
    throw invalidArgument(
      '--format',
      `{{.Field}} or {{FUNCTION .Field}}, where FUNCTION is one of ${Object.keys(FUNCTIONS).join(', ')}`,
      `{{${action}}}`,
    );
  }
  const fn = second === undefined ? text : FUNCTIONS[first]!;
  const path = second ?? first;
  if (path !== '.' && !/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) {
    throw invalidArgument('--format', 'a field such as .Name, or . for the whole row', `{{${action}}}`);
  }
  const arg = path === '.' ? [] : path.slice(1).split('.');
  if (arg[0] !== undefined && !fields.includes(arg[0])) {
    throw invalidArgument('--format', `a field among ${fields.map((f) => `.${f}`).join(', ')}`, `.${arg[0]}`);
  }
  return { fn, arg, source: path };
}

/** The value at `path` in `row`; a step into something that lacks it is an error naming both. */
function lookup(row: unknown, path: Arg, source: string): unknown {
  let value = row;
  for (const [i, key] of path.entries()) {
    if (value === null || typeof value !== 'object' || !(key in value)) {
      const at = i === 0 ? 'the row' : `.${path.slice(0, i).join('.')}`;
      const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
      throw invalidArgument(
        '--format',
        keys.length ? `a field of ${at} among ${keys.join(', ')}` : `a field of an object (${at} has none)`,
        source,
      );
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
