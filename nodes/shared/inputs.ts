/**
 * Per-message input checks for the Odoo nodes: every failure is an OdooRequestError (bad input, never
 * retryable) whose message starts with the field it is about (`msg.ids: ...`, `domain: ...`), so the
 * Catch node's msg.error.message says which field was wrong and why.
 */
import { OdooRequestError } from '../../lib/odoo/errors';
import { parseCount, parseDomain, parseFields, parseIds } from '../../lib/odoo/params';

type Extra = { model?: string; method?: string };

/** A short description of a value's type for error texts: "number 42", "object", "boolean true". */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (Buffer.isBuffer(v)) return 'a Buffer';
  const t = typeof v;
  if (t === 'string') return v === '' ? 'an empty string' : `string ${JSON.stringify((v as string).slice(0, 40))}`;
  if (t === 'number' || t === 'boolean' || t === 'bigint') return `${t} ${String(v)}`;
  return t === 'object' ? 'an object' : t;
}

/** Runs a lib/odoo/params parser and prefixes its error with the field name. */
function named<T>(field: string, extra: Extra, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    throw new OdooRequestError(`${field}: ${m}`, { ...extra });
  }
}

/** Where a value came from: the msg property if set, else the node property. */
export function source(fromMsg: boolean, name: string): string {
  return fromMsg ? `msg.${name}` : `property ${name}`;
}

export function modelName(value: unknown, field: string, extra: Extra = {}): string {
  if (typeof value !== 'string' || !value.trim()) {
    throw new OdooRequestError(`${field}: a model name is required, e.g. "res.partner" (got ${describe(value)})`, extra);
  }
  return value.trim();
}

export function domainOf(value: unknown, field: string, extra: Extra = {}): unknown[] {
  if (value !== undefined && value !== null && value !== '' && typeof value !== 'string' && !Array.isArray(value)) {
    throw new OdooRequestError(`${field}: a domain is a list (or its JSON text), got ${describe(value)}`, extra);
  }
  return named(field, extra, () => parseDomain(value));
}

export function fieldsOf(value: unknown, field: string, extra: Extra = {}): string[] | undefined {
  if (value !== undefined && value !== null && typeof value !== 'string' && !Array.isArray(value)) {
    throw new OdooRequestError(`${field}: a list of field names (or "a, b" text) is expected, got ${describe(value)}`, extra);
  }
  return named(field, extra, () => parseFields(value));
}

/** Record ids: a positive integer, a numeric string / "1,2,3", a list of those, or records with an id. */
export function idsOf(value: unknown, field: string, extra: Extra = {}): number[] | undefined {
  const bad = (x: unknown) => typeof x === 'boolean' || (typeof x === 'object' && x !== null && !('id' in (x as object)));
  if (Array.isArray(value) ? value.some((x) => Array.isArray(x) || bad(x)) : bad(value)) {
    throw new OdooRequestError(`${field}: ids must be positive integers or a list of them, got ${describe(value)}`, extra);
  }
  return named(field, extra, () => parseIds(value));
}

export function countOf(value: unknown, field: string, extra: Extra = {}): number | undefined {
  try {
    return parseCount(value, field);
  } catch {
    throw new OdooRequestError(`${field}: must be a non-negative integer (got ${describe(value)})`, extra);
  }
}

/** msg.context: an object or nothing. */
export function contextOf(value: unknown, extra: Extra = {}): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new OdooRequestError(`msg.context: must be an object, e.g. {"lang": "en_US"} (got ${describe(value)})`, extra);
  }
  return value as Record<string, unknown>;
}
