/** Conversion of incoming values to the stored representation, and of stored values to read shape. */
import { PythonError } from '../exceptions';
import type { FieldInfo } from './registry';
import { pyRepr } from './pyrepr';

export function isUnset(v: unknown): boolean {
  return v === false || v === null || v === undefined;
}

/** Stored representation of "no value" for a field type. */
export function emptyStored(f: FieldInfo): unknown {
  switch (f.type) {
    case 'integer': case 'float': case 'monetary': return null;
    case 'boolean': return false;
    case 'many2many': case 'one2many': return [];
    default: return false;
  }
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export function formatDatetime(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Convert a value given to create/write into the stored representation (scalars and many2one). */
export function convertIn(f: FieldInfo, model: string, v: unknown): unknown {
  if (v === undefined) return emptyStored(f);
  switch (f.type) {
    case 'char': case 'text': case 'html': case 'binary': {
      if (isUnset(v)) return false;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      return String(v);
    }
    case 'selection': {
      if (isUnset(v)) return false;
      const keys = f.selectionList ?? [];
      if (!keys.some(([k]) => k === v)) {
        throw new PythonError('ValueError', `Wrong value for ${model}.${f.name}: ${pyRepr(v)}`);
      }
      return v;
    }
    case 'integer': {
      if (isUnset(v)) return null;
      const n = typeof v === 'string' ? Number(v) : v === true ? 1 : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        throw new PythonError('ValueError', `invalid literal for int() with base 10: ${pyRepr(v)}`);
      }
      return Math.trunc(n);
    }
    case 'float': case 'monetary': {
      if (isUnset(v)) return null;
      const n = typeof v === 'string' ? Number(v) : v === true ? 1 : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        throw new PythonError('ValueError', `could not convert string to float: ${pyRepr(v)}`);
      }
      const digits = f.digits?.[1];
      return digits !== undefined ? Number(n.toFixed(digits)) : n;
    }
    case 'boolean':
      return !!v && v !== 0;
    case 'date': {
      if (isUnset(v) || v === '') return false;
      if (v instanceof Date) return v.toISOString().slice(0, 10);
      if (typeof v === 'string') {
        const s = v.length > 10 && /^\d{4}-\d{2}-\d{2}[ T]/.test(v) ? v.slice(0, 10) : v;
        if (DATE_RE.test(s) && !Number.isNaN(Date.parse(s))) return s;
      }
      throw new PythonError('ValueError', `time data ${pyRepr(v)} does not match format '%Y-%m-%d'`);
    }
    case 'datetime': {
      if (isUnset(v) || v === '') return false;
      if (v instanceof Date) return formatDatetime(v);
      if (typeof v === 'string') {
        let s = v.replace('T', ' ').replace(/Z$/, '').replace(/(\d{2}:\d{2}:\d{2})\.\d+$/, '$1');
        if (DATE_RE.test(s)) s += ' 00:00:00';
        if (DATETIME_RE.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T') + 'Z'))) return s;
      }
      throw new PythonError('ValueError', `time data ${pyRepr(v)} does not match format '%Y-%m-%d %H:%M:%S'`);
    }
    case 'many2one': {
      if (isUnset(v) || v === 0) return false;
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
      if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
      throw new PythonError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`);
    }
    default:
      return v;
  }
}

export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** Normalise a compute result to the stored representation. */
export function convertComputed(f: FieldInfo, v: unknown): unknown {
  if (f.type === 'many2many' || f.type === 'one2many') return Array.isArray(v) ? v.map(Number) : [];
  if (f.type === 'many2one') {
    if (Array.isArray(v)) return v[0] ?? false;
    return isUnset(v) || v === 0 ? false : v;
  }
  if (v === undefined) return emptyStored(f);
  if (f.type === 'integer' || f.type === 'float' || f.type === 'monetary') return isUnset(v) ? null : v;
  if (f.type === 'boolean') return !!v;
  return v === null || v === undefined ? false : v;
}

/** Stored value -> read value (without many2one name). */
export function readScalar(f: FieldInfo, v: unknown): unknown {
  switch (f.type) {
    case 'integer': case 'float': case 'monetary':
      return typeof v === 'number' ? v : 0;
    case 'boolean':
      return v === true;
    case 'many2many': case 'one2many':
      return Array.isArray(v) ? v.slice() : [];
    case 'many2one':
      return typeof v === 'number' ? v : false;
    default:
      return v === null || v === undefined ? false : v;
  }
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  if ((a === null || a === undefined || a === false) && (b === null || b === undefined || b === false)) return true;
  return false;
}
