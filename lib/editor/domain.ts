/**
 * Odoo domain validation for the editor and the runtime (no Node-RED import).
 *
 * A domain is a JSON list in prefix (Polish) notation: terms `[path, operator, value]` and the
 * operators '&' and '|' (two operands) and '!' (one). Adjacent terms are implicitly AND-ed, `[]` matches
 * everything, `[1, '=', 1]` / `[0, '=', 1]` are Odoo's TRUE/FALSE leaves (shared/odoo-api.md §3).
 *
 * resources/odoo-editor.js carries a browser copy of this logic (the editor cannot load dist/);
 * test/unit/editor/domain-parity.test.ts runs both over the same cases.
 */

export interface DomainField {
  type: string;
  string?: string;
  relation?: string;
  selection?: Array<[string, string]> | unknown;
  required?: boolean;
  readonly?: boolean;
}

export interface DomainIssue {
  /** Index path into the domain, e.g. [2] for the third element, [2, 2, 0] inside an `any` sub-domain. */
  path: number[];
  message: string;
}

export interface DomainCheck {
  ok: boolean;
  errors: DomainIssue[];
  warnings: DomainIssue[];
  /** The parsed domain when it is a list. */
  domain?: unknown[];
}

export interface DomainOptions {
  /** fields_get of the model the domain applies to: unknown fields and type mismatches are reported. */
  fields?: Record<string, DomainField>;
  /** Odoo major version: operators that version does not know are errors. */
  version?: number;
  /** Model name, only used in messages. */
  model?: string;
}

export const LOGICAL_OPERATORS = ['&', '|', '!'] as const;

/** Term operators Odoo 17–19 accept in a list domain (compared lower-cased, as Odoo does). */
export const TERM_OPERATORS = [
  '=', '!=', '<>', '<', '>', '<=', '>=', '=?',
  'like', 'not like', 'ilike', 'not ilike', '=like', '=ilike', 'not =like', 'not =ilike',
  'in', 'not in', 'child_of', 'parent_of', 'any', 'not any',
] as const;

/** Operators introduced after 17.0 (first version that accepts them). */
const OPERATOR_SINCE: Record<string, number> = { 'not =like': 19, 'not =ilike': 19 };

/** Fields every model has even when fields_get leaves them out. */
const MAGIC_FIELDS = new Set(['id', 'display_name', 'create_date', 'create_uid', 'write_date', 'write_uid']);

const RELATIONAL = new Set(['many2one', 'one2many', 'many2many']);
const X2MANY = new Set(['one2many', 'many2many']);
const TEXTUAL = new Set(['char', 'text', 'html', 'selection', 'many2one', 'one2many', 'many2many', 'date', 'datetime', 'reference', 'properties']);
const NUMERIC = new Set(['integer', 'float', 'monetary']);
const PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The operators that make sense for a field type, for the editor's operator suggestions. */
export function operatorsForType(type: string | undefined): string[] {
  const eq = ['=', '!=', 'in', 'not in', '=?'];
  const ord = ['<', '>', '<=', '>='];
  const like = ['ilike', 'not ilike', 'like', 'not like', '=like', '=ilike'];
  switch (type) {
    case undefined:
    case '':
      return [...TERM_OPERATORS];
    case 'boolean':
      return ['=', '!='];
    case 'integer':
    case 'float':
    case 'monetary':
      return [...eq, ...ord];
    case 'date':
    case 'datetime':
      return [...eq, ...ord];
    case 'selection':
      return eq;
    case 'many2one':
      return [...eq, ...like, 'child_of', 'parent_of', 'any', 'not any'];
    case 'one2many':
    case 'many2many':
      return ['in', 'not in', '=', '!=', ...like, 'any', 'not any'];
    default:
      return [...eq, ...like, ...ord];
  }
}

function issue(list: DomainIssue[], path: number[], message: string): void {
  list.push({ path, message });
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

function pythonHint(text: string): string {
  if (/^\s*\[\s*\(/.test(text) || /\bTrue\b|\bFalse\b|\bNone\b/.test(text) || /'/.test(text)) {
    return ' (this looks like a Python domain: write it as JSON, with [ ] instead of ( ), double quotes, and true/false/null instead of True/False/None)';
  }
  return '';
}

/** Parse domain text (JSON). An empty text is the empty domain. */
export function parseDomain(text: string): { domain?: unknown; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { domain: [] };
  try {
    return { domain: JSON.parse(trimmed) };
  } catch (err) {
    return { error: `Not valid JSON: ${(err as Error).message}${pythonHint(trimmed)}` };
  }
}

function checkValue(
  field: DomainField | undefined,
  name: string,
  op: string,
  value: unknown,
  at: number[],
  errors: DomainIssue[],
  warnings: DomainIssue[],
): void {
  if (op === 'in' || op === 'not in') {
    if (!Array.isArray(value)) {
      issue(warnings, at, `'${op}' expects a list; Odoo will treat ${JSON.stringify(value)} as [${JSON.stringify(value)}]`);
    }
  } else if (op === 'child_of' || op === 'parent_of') {
    if (field && field.type !== 'many2one' && name !== 'id' && !X2MANY.has(field.type)) {
      issue(errors, at, `'${op}' needs a relational field; '${name}' is ${field.type}`);
    }
  } else if (['like', 'not like', 'ilike', 'not ilike', '=like', '=ilike', 'not =like', 'not =ilike'].includes(op)) {
    if (value !== false && value !== null && typeof value !== 'string' && typeof value !== 'number') {
      issue(errors, at, `'${op}' expects a text value, got a ${typeName(value)}`);
    } else if (field && !TEXTUAL.has(field.type)) {
      issue(warnings, at, `'${op}' on the ${field.type} field '${name}' compares its text form`);
    }
  } else if (['<', '>', '<=', '>='].includes(op)) {
    if (Array.isArray(value) || (value !== null && typeof value === 'object')) {
      issue(errors, at, `'${op}' expects a single value, got a ${typeName(value)}`);
    }
  } else if (['=', '!=', '<>', '=?'].includes(op)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      issue(errors, at, `'${op}' cannot compare with an object`);
    }
  }
  if (!field || value === false || value === null) return;
  const values = Array.isArray(value) && (op === 'in' || op === 'not in') ? value : [value];
  if (NUMERIC.has(field.type) && ['=', '!=', '<>', '<', '>', '<=', '>=', 'in', 'not in', '=?'].includes(op)) {
    const bad = values.find((v) => typeof v !== 'number' && !(typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) && v !== false);
    if (bad !== undefined) issue(errors, at, `'${name}' is ${field.type}: ${JSON.stringify(bad)} is not a number`);
  } else if (field.type === 'boolean' && (op === '=' || op === '!=' || op === '<>')) {
    if (typeof value !== 'boolean' && value !== 0 && value !== 1) {
      issue(errors, at, `'${name}' is boolean: compare with true or false, not ${JSON.stringify(value)}`);
    }
  } else if (field.type === 'selection' && ['=', '!=', '<>', 'in', 'not in', '=?'].includes(op) && Array.isArray(field.selection)) {
    const keys = (field.selection as unknown[]).map((s) => (Array.isArray(s) ? s[0] : s));
    const bad = values.find((v) => !keys.includes(v));
    if (bad !== undefined) {
      issue(warnings, at, `${JSON.stringify(bad)} is not one of the values of '${name}' (${keys.map((k) => JSON.stringify(k)).join(', ')})`);
    }
  }
}

function walk(domain: unknown[], opts: DomainOptions, base: number[], errors: DomainIssue[], warnings: DomainIssue[]): void {
  const fields = opts.fields;
  const modelText = opts.model ? ` on ${opts.model}` : '';
  // Right to left, counting complete expressions: an operator must find its operands to its right.
  let available = 0;
  for (let i = domain.length - 1; i >= 0; i--) {
    const el = domain[i];
    const at = [...base, i];
    if (typeof el === 'string') {
      if (el === '&' || el === '|') {
        if (available < 2) issue(errors, at, `'${el}' needs two conditions after it, found ${available}`);
        else available -= 1;
      } else if (el === '!') {
        if (available < 1) issue(errors, at, `'!' needs a condition after it`);
      } else {
        issue(errors, at, `Unknown logical operator ${JSON.stringify(el)}: use '&', '|' or '!', or a condition ["field", "operator", value]`);
        available += 1;
      }
      continue;
    }
    available += 1;
    if (el === true || el === false) {
      issue(errors, at, `A bare ${el} is not a condition: write ${el ? '[1, "=", 1]' : '[0, "=", 1]'}`);
      continue;
    }
    if (!Array.isArray(el)) {
      issue(errors, at, `Each element must be an operator or a condition ["field", "operator", value], got ${JSON.stringify(el)}`);
      continue;
    }
    if (el.length !== 3) {
      issue(errors, at, `A condition has three parts ["field", "operator", value], this one has ${el.length}`);
      continue;
    }
    const [left, rawOp, value] = el;
    if (typeof rawOp !== 'string') {
      issue(errors, at, `The operator must be a string, got ${JSON.stringify(rawOp)}`);
      continue;
    }
    const op = rawOp.toLowerCase();
    if (left === 0 || left === 1) {
      if (op !== '=' || value !== 1) issue(errors, at, `Constant conditions are [1, "=", 1] (true) and [0, "=", 1] (false)`);
      continue;
    }
    if (typeof left !== 'string' || !PATH_RE.test(left)) {
      issue(errors, at, `The field must be a field name or a dotted path like "partner_id.country_id.code", got ${JSON.stringify(left)}`);
      continue;
    }
    if (!(TERM_OPERATORS as readonly string[]).includes(op)) {
      issue(errors, at, `Unknown operator ${JSON.stringify(rawOp)}; Odoo knows ${TERM_OPERATORS.join(', ')}`);
      continue;
    }
    const since = OPERATOR_SINCE[op];
    if (since && opts.version && opts.version < since) {
      issue(errors, at, `Operator '${op}' needs Odoo ${since} or later (this server is ${opts.version})`);
      continue;
    }
    const [head, ...rest] = left.split('.');
    let field: DomainField | undefined;
    if (fields) {
      field = fields[head];
      if (!field && !MAGIC_FIELDS.has(head)) {
        issue(errors, at, `Unknown field '${head}'${modelText}`);
        continue;
      }
      if (field && rest.length > 0 && !RELATIONAL.has(field.type)) {
        issue(errors, at, `'${head}' is a ${field.type} field: it has no sub-field '${rest.join('.')}'`);
        continue;
      }
    }
    const leafField = rest.length === 0 ? field : undefined;
    if (op === 'any' || op === 'not any') {
      if (field && !RELATIONAL.has(field.type)) {
        issue(errors, at, `'${op}' needs a relational field; '${head}' is ${field.type}`);
      } else if (!Array.isArray(value)) {
        issue(errors, at, `'${op}' expects a sub-domain (a list of conditions) on the related model`);
      } else {
        // The sub-domain applies to the related model, whose fields we do not know here.
        walk(value, { version: opts.version }, [...at, 2], errors, warnings);
      }
      continue;
    }
    checkValue(leafField, left, op, value, at, errors, warnings);
  }
}

/** Validate a domain given as JSON text or as an already parsed value. */
export function validateDomain(input: unknown, opts: DomainOptions = {}): DomainCheck {
  const errors: DomainIssue[] = [];
  const warnings: DomainIssue[] = [];
  let domain: unknown = input;
  if (typeof input === 'string') {
    const parsed = parseDomain(input);
    if (parsed.error) return { ok: false, errors: [{ path: [], message: parsed.error }], warnings };
    domain = parsed.domain;
  }
  if (domain === undefined || domain === null) domain = [];
  if (!Array.isArray(domain)) {
    return { ok: false, errors: [{ path: [], message: `A domain is a list of conditions, e.g. [["state", "=", "sale"]], got a ${typeName(domain)}` }], warnings };
  }
  walk(domain, opts, [], errors, warnings);
  errors.sort((a, b) => comparePaths(a.path, b.path));
  warnings.sort((a, b) => comparePaths(a.path, b.path));
  return { ok: errors.length === 0, errors, warnings, domain };
}

function comparePaths(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** One line describing the first error, with its position, for a status or a tooltip. */
export function describeDomainErrors(check: DomainCheck): string {
  if (check.ok) return '';
  const first = check.errors[0];
  const where = first.path.length ? `element ${first.path.map((p) => p + 1).join(' > ')}: ` : '';
  const more = check.errors.length > 1 ? ` (+${check.errors.length - 1} more)` : '';
  return where + first.message + more;
}

/**
 * Node-RED `validate` function shape: true when valid, else the message (Node-RED 3+ shows it).
 * A value that is not JSON text (a TypedInput of another type) is left to its own validation.
 */
export function nodeRedDomainValidator(value: unknown): true | string {
  if (value === undefined || value === null) return true;
  const check = validateDomain(value);
  return check.ok ? true : describeDomainErrors(check);
}
