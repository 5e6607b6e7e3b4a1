/**
 * Per-rule value transforms. Each takes the value and returns the new one, or throws a TransformError
 * whose message becomes the reason.
 */
export class TransformError extends Error {}

export const TRANSFORMS = [
  'trim',
  'lower',
  'upper',
  'number',
  'integer',
  'boolean',
  'string',
  'date',
  'dateonly',
  'firstname',
  'lastname',
  'emptyToUndefined',
] as const;
export type TransformName = (typeof TRANSFORMS)[number];

const pad = (n: number) => String(n).padStart(2, '0');

/** Parse a date from ISO text, epoch ms/s, Odoo 'YYYY-MM-DD HH:MM:SS' (UTC) or a Date. */
export function toDate(value: unknown): Date {
  let d: Date;
  if (value instanceof Date) d = value;
  else if (typeof value === 'number') d = new Date(value < 1e11 ? value * 1000 : value);
  else if (typeof value === 'string') {
    const s = value.trim();
    if (/^\d+$/.test(s)) {
      const n = Number(s);
      d = new Date(n < 1e11 ? n * 1000 : n);
    } else if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(s)) d = new Date(s.replace(' ', 'T') + 'Z');
    else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) d = new Date(s + 'T00:00:00Z');
    else d = new Date(s);
  } else throw new TransformError(`not a date: ${JSON.stringify(value)}`);
  if (Number.isNaN(d.getTime())) throw new TransformError(`not a date: ${JSON.stringify(value)}`);
  return d;
}

/** Odoo's datetime wire format: UTC, 'YYYY-MM-DD HH:MM:SS'. */
export function odooDatetime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function odooDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on', 'checked']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', '', 'unchecked']);

/** "Ada King Lovelace" -> first "Ada", last "King Lovelace"; "Lovelace, Ada" -> first "Ada", last "Lovelace". */
export function splitName(full: string): { first: string; last: string } {
  const s = full.trim().replace(/\s+/g, ' ');
  const comma = s.indexOf(',');
  if (comma >= 0) return { first: s.slice(comma + 1).trim(), last: s.slice(0, comma).trim() };
  const space = s.indexOf(' ');
  if (space < 0) return { first: s, last: '' };
  return { first: s.slice(0, space), last: s.slice(space + 1) };
}

export function applyTransform(name: TransformName, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  switch (name) {
    case 'trim':
      return typeof value === 'string' ? value.trim() : value;
    case 'lower':
      return typeof value === 'string' ? value.toLowerCase() : value;
    case 'upper':
      return typeof value === 'string' ? value.toUpperCase() : value;
    case 'string':
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'emptyToUndefined':
      return typeof value === 'string' && value.trim() === '' ? undefined : value;
    case 'number':
    case 'integer': {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'string' && value.trim() !== '') n = Number(value.trim().replace(/,(?=\d{3}\b)/g, ''));
      else if (typeof value === 'boolean') n = value ? 1 : 0;
      else throw new TransformError(`not a number: ${JSON.stringify(value)}`);
      if (!Number.isFinite(n)) throw new TransformError(`not a number: ${JSON.stringify(value)}`);
      if (name === 'integer' && !Number.isInteger(n)) throw new TransformError(`not an integer: ${JSON.stringify(value)}`);
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      const s = String(value).trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      throw new TransformError(`not a boolean: ${JSON.stringify(value)}`);
    }
    case 'date':
      return odooDatetime(toDate(value));
    case 'dateonly':
      return odooDate(toDate(value));
    case 'firstname':
      if (typeof value !== 'string') throw new TransformError(`not a name: ${JSON.stringify(value)}`);
      return splitName(value).first;
    case 'lastname':
      if (typeof value !== 'string') throw new TransformError(`not a name: ${JSON.stringify(value)}`);
      return splitName(value).last;
    default:
      throw new TransformError(`unknown transform "${String(name)}"`);
  }
}
