/**
 * Parsing and checking of node-level inputs (domains, field lists, ids, contexts). No Node-RED here:
 * the nodes and the editor's validators use the same rules.
 */
import { OdooRequestError } from './errors';

const OPERATORS = new Set([
  '=', '!=', '<>', '<', '>', '<=', '>=', '=?', '=like', '=ilike', 'like', 'not like', 'ilike', 'not ilike',
  'not =like', 'not =ilike', 'in', 'not in', 'child_of', 'parent_of', 'any', 'not any',
]);

/** Check a domain's shape (prefix notation, terms [field, operator, value]). Returns an error text or ''. */
export function checkDomain(domain: unknown): string {
  if (!Array.isArray(domain)) return 'a domain is a JSON list, e.g. [["is_company", "=", true]]';
  for (let i = 0; i < domain.length; i++) {
    const t = domain[i];
    if (t === '&' || t === '|' || t === '!') continue;
    if (Array.isArray(t)) {
      if (t.length !== 3) return `term ${i + 1} must have 3 elements [field, operator, value]`;
      const [f, op] = t;
      if (!(typeof f === 'string' && f.length) && !(f === 0 || f === 1)) return `term ${i + 1}: the field must be a name`;
      if (typeof op !== 'string' || !OPERATORS.has(op.toLowerCase())) return `term ${i + 1}: unknown operator ${JSON.stringify(op)}`;
      if ((op === 'in' || op === 'not in') && !Array.isArray(t[2])) return `term ${i + 1}: "${op}" needs a list value`;
      continue;
    }
    return `element ${i + 1} must be "&", "|", "!" or a [field, operator, value] term`;
  }
  // Prefix notation, read backwards: a term pushes one expression, "!" takes one, "&"/"|" take two.
  let stack = 0;
  for (let i = domain.length - 1; i >= 0; i--) {
    const t = domain[i];
    if (t === '!') {
      if (stack < 1) return `"!" at position ${i + 1} has no operand`;
    } else if (t === '&' || t === '|') {
      if (stack < 2) return `"${t}" at position ${i + 1} needs two operands`;
      stack -= 1;
    } else stack += 1;
  }
  return '';
}

/** Parse a domain from JSON text or take a given array; throws OdooRequestError(type domain-ish). */
export function parseDomain(input: unknown): unknown[] {
  let d = input;
  if (d === undefined || d === null || d === '') return [];
  if (typeof d === 'string') {
    try {
      d = JSON.parse(d);
    } catch (e) {
      throw new OdooRequestError(`domain is not valid JSON: ${(e as Error).message}`);
    }
  }
  const problem = checkDomain(d);
  if (problem) throw new OdooRequestError(`invalid domain: ${problem}`);
  return d as unknown[];
}

/** Field names from "a, b c" text, a JSON list text, or an array. */
export function parseFields(input: unknown): string[] | undefined {
  if (input === undefined || input === null || input === '') return undefined;
  if (Array.isArray(input)) return input.map((x) => String(x).trim()).filter(Boolean);
  const s = String(input).trim();
  if (!s) return undefined;
  if (s.startsWith('[')) {
    try {
      const a = JSON.parse(s);
      if (Array.isArray(a)) return a.map((x) => String(x).trim()).filter(Boolean);
    } catch {
      /* fall through to the list form */
    }
  }
  return s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
}

/** Record ids from a number, a numeric string, "1,2,3", or an array of those. */
export function parseIds(input: unknown): number[] | undefined {
  if (input === undefined || input === null || input === '') return undefined;
  const list = Array.isArray(input) ? input : typeof input === 'string' ? input.split(/[\s,]+/).filter(Boolean) : [input];
  const ids = list.map((x) => (typeof x === 'object' && x && 'id' in (x as object) ? (x as { id: unknown }).id : x)).map((x) => Number(x));
  if (!ids.every((n) => Number.isInteger(n) && n > 0)) throw new OdooRequestError(`ids must be positive integers, got ${JSON.stringify(input).slice(0, 80)}`);
  return ids;
}

/** A non-negative integer or undefined. */
export function parseCount(input: unknown, what: string): number | undefined {
  if (input === undefined || input === null || input === '') return undefined;
  const n = Number(input);
  if (!Number.isInteger(n) || n < 0) throw new OdooRequestError(`${what} must be a non-negative integer`);
  return n;
}

/**
 * Default context of a connection from JSON text: any Odoo context keys, plus the shortcut
 * `company` (id or list of ids) which becomes `allowed_company_ids` (first = current company).
 */
export function parseContext(input: unknown): Record<string, unknown> {
  if (input === undefined || input === null || input === '') return {};
  let c = input;
  if (typeof c === 'string') {
    try {
      c = JSON.parse(c);
    } catch (e) {
      throw new OdooRequestError(`context is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new OdooRequestError('context must be a JSON object, e.g. {"lang": "en_US"}');
  const out: Record<string, unknown> = { ...(c as Record<string, unknown>) };
  if ('company' in out) {
    const comp = out.company;
    delete out.company;
    const list = (Array.isArray(comp) ? comp : [comp]).map(Number);
    if (!list.every((n) => Number.isInteger(n) && n > 0)) throw new OdooRequestError('context.company must be a company id or a list of ids');
    if (list.length) out.allowed_company_ids = list;
  }
  return out;
}
