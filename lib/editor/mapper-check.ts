/**
 * Checks a mapper rule table against the fields of the target Odoo model (fields_get), the way the
 * mapper's own model-derived schema (lib/mapping/odoo-schema.ts) would judge the output at run time:
 * targets that are not fields, values whose type cannot fit the field, selection values that are not
 * offered, and required fields no rule sets. Used by the editor (browser copy in
 * resources/odoo-editor.js, kept equal by test/unit/editor/domain-parity.test.ts). No Node-RED import.
 */

export interface TargetField {
  type: string;
  string?: string;
  required?: boolean;
  readonly?: boolean;
  relation?: string;
  selection?: Array<[string | number, string]> | false | unknown;
}

/** A mapper rule as stored in the mapper node (lib/mapping/engine.ts MappingRule); loose on purpose. */
export interface RuleLike {
  target?: unknown;
  source?: unknown;
  value?: unknown;
  map?: unknown;
  mapDefault?: unknown;
  transforms?: unknown;
  default?: unknown;
  template?: unknown;
}

export interface RuleIssue {
  /** Index of the rule, or -1 for a problem of the table as a whole (a required field without a rule). */
  rule: number;
  target: string;
  level: 'error' | 'warning';
  message: string;
}

/** What a rule produces: a JSON kind, or 'unknown' when it depends on the message. */
export type ValueKind = 'string' | 'number' | 'integer' | 'boolean' | 'list' | 'object' | 'empty' | 'date-text' | 'datetime-text' | 'unknown';

const MAGIC = new Set(['id', 'display_name', 'create_uid', 'create_date', 'write_uid', 'write_date', '__last_update']);
const RELATIONAL = new Set(['many2one', 'one2many', 'many2many']);
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

const TRANSFORM_KIND: Record<string, ValueKind> = {
  trim: 'string', lower: 'string', upper: 'string', string: 'string', firstname: 'string', lastname: 'string',
  number: 'number', integer: 'integer', boolean: 'boolean', date: 'datetime-text', dateonly: 'date-text',
};

export function kindOf(v: unknown): ValueKind {
  if (v === null || v === undefined || v === false) return 'empty';
  if (typeof v === 'string') {
    if (DATETIME_RE.test(v)) return 'datetime-text';
    if (DATE_RE.test(v)) return 'date-text';
    return 'string';
  }
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'list';
  return 'object';
}

/** The kinds of value a rule can produce (several for a value map), and the literal values when known. */
export function ruleOutput(rule: RuleLike): { kinds: ValueKind[]; literals?: unknown[] } {
  const transforms = Array.isArray(rule.transforms) ? (rule.transforms as unknown[]).map(String) : [];
  for (let i = transforms.length - 1; i >= 0; i--) {
    const k = TRANSFORM_KIND[transforms[i]];
    if (k) return { kinds: [k] };
  }
  switch (rule.source) {
    case 'constant':
      return { kinds: [kindOf(rule.value)], literals: [rule.value] };
    case 'template':
      return { kinds: ['string'] };
    case 'map': {
      const values = rule.map && typeof rule.map === 'object' && !Array.isArray(rule.map) ? Object.values(rule.map as Record<string, unknown>) : [];
      if (rule.mapDefault !== undefined) values.push(rule.mapDefault);
      if (values.length === 0) return { kinds: ['unknown'] };
      return { kinds: Array.from(new Set(values.map(kindOf))), literals: values };
    }
    default:
      return { kinds: ['unknown'] };
  }
}

/** Why a value kind cannot be stored in a field type, or '' when it can (or cannot be known). */
export function misfit(fieldType: string, kind: ValueKind): string {
  if (kind === 'unknown' || kind === 'empty') return '';
  const textish = kind === 'string' || kind === 'date-text' || kind === 'datetime-text';
  switch (fieldType) {
    case 'char': case 'text': case 'html': case 'binary': case 'image':
      return textish ? '' : `a ${fieldType} field takes text, this rule gives a ${kind} (add the "string" transform)`;
    case 'integer':
      if (kind === 'integer') return '';
      if (kind === 'number') return 'an integer field takes whole numbers, this rule may give decimals (use the "integer" transform)';
      return `an integer field takes a number, this rule gives ${textish ? 'text' : 'a ' + kind} (add the "integer" transform)`;
    case 'float': case 'monetary':
      return kind === 'number' || kind === 'integer' ? '' : `a ${fieldType} field takes a number, this rule gives ${textish ? 'text' : 'a ' + kind} (add the "number" transform)`;
    case 'boolean':
      return kind === 'boolean' ? '' : `a boolean field takes true/false, this rule gives ${textish ? 'text' : 'a ' + kind} (add the "boolean" transform)`;
    case 'date':
      if (kind === 'date-text') return '';
      if (kind === 'datetime-text') return "a date field takes 'YYYY-MM-DD', this rule gives a date and time (use the \"dateonly\" transform)";
      return kind === 'string' ? '' : `a date field takes 'YYYY-MM-DD' text, this rule gives a ${kind} (use the "dateonly" transform)`;
    case 'datetime':
      if (kind === 'datetime-text') return '';
      if (kind === 'date-text') return "a datetime field takes 'YYYY-MM-DD HH:MM:SS', this rule gives a date only (use the \"date\" transform)";
      return kind === 'string' ? '' : `a datetime field takes 'YYYY-MM-DD HH:MM:SS' text, this rule gives a ${kind} (use the "date" transform)`;
    case 'many2one':
      return kind === 'integer' ? '' : `a many2one field takes a record id (a whole number), this rule gives ${textish ? 'text' : 'a ' + kind}; look the id up first (odoo-read, or upsert the related record)`;
    case 'one2many': case 'many2many':
      return kind === 'list' ? '' : `a ${fieldType} field takes a list of ids or Odoo commands, this rule gives ${textish ? 'text' : 'a ' + kind}`;
    case 'selection':
      return textish || kind === 'integer' ? '' : `a selection field takes one of its values, this rule gives a ${kind}`;
    default:
      return '';
  }
}

function selectionKeys(f: TargetField): unknown[] | undefined {
  if (!Array.isArray(f.selection)) return undefined;
  return (f.selection as unknown[]).map((s) => (Array.isArray(s) ? s[0] : s));
}

/** Check rules against the target model's fields. `fields` is fields_get's map or a list with `name`. */
export function checkMapperRules(rules: unknown, fieldsIn: Record<string, TargetField> | Array<TargetField & { name: string }>, opts: { mode?: 'create' | 'write'; model?: string } = {}): RuleIssue[] {
  const fields: Record<string, TargetField> = Array.isArray(fieldsIn)
    ? Object.fromEntries(fieldsIn.map((f) => [f.name, f]))
    : fieldsIn;
  const issues: RuleIssue[] = [];
  const on = opts.model ? ` on ${opts.model}` : '';
  const set = new Set<string>();
  (Array.isArray(rules) ? rules : []).forEach((r: RuleLike, i: number) => {
    if (!r || typeof r !== 'object') return;
    const target = typeof r.target === 'string' ? r.target.trim() : '';
    if (!target) {
      issues.push({ rule: i, target, level: 'error', message: 'the rule has no target field' });
      return;
    }
    const [head, ...rest] = target.split('.');
    set.add(head);
    const f = fields[head];
    if (!f) {
      issues.push({ rule: i, target, level: 'error', message: MAGIC.has(head) ? `'${head}' is set by Odoo and cannot be written` : `no field '${head}'${on}` });
      return;
    }
    if (rest.length) {
      if (!RELATIONAL.has(f.type)) issues.push({ rule: i, target, level: 'error', message: `'${head}' is a ${f.type} field: it has no sub-field '${rest.join('.')}'` });
      return;
    }
    if (f.readonly) issues.push({ rule: i, target, level: 'warning', message: `'${head}' is read-only in Odoo's forms (the API still writes it)` });
    const out = ruleOutput(r);
    for (const kind of out.kinds) {
      const why = misfit(f.type, kind);
      if (why) {
        issues.push({ rule: i, target, level: 'error', message: `'${head}' (${f.type}): ${why}` });
        return;
      }
    }
    const keys = f.type === 'selection' ? selectionKeys(f) : undefined;
    if (keys && out.literals) {
      const bad = out.literals.find((v) => v !== false && v !== null && v !== undefined && !keys.includes(v));
      if (bad !== undefined) {
        issues.push({ rule: i, target, level: 'error', message: `${JSON.stringify(bad)} is not a value of '${head}' (${keys.map((k) => JSON.stringify(k)).join(', ')})` });
        return;
      }
    }
    if ((f.type === 'date' || f.type === 'datetime') && out.literals) {
      const re = f.type === 'date' ? DATE_RE : DATETIME_RE;
      const bad = out.literals.find((v) => typeof v === 'string' && !re.test(v));
      if (bad !== undefined) issues.push({ rule: i, target, level: 'error', message: `${JSON.stringify(bad)} is not ${f.type === 'date' ? "'YYYY-MM-DD'" : "'YYYY-MM-DD HH:MM:SS'"}` });
    }
  });
  if ((opts.mode ?? 'create') === 'create') {
    for (const [name, f] of Object.entries(fields)) {
      if (f.required && !set.has(name) && !MAGIC.has(name)) {
        issues.push({ rule: -1, target: name, level: 'warning', message: `required field '${name}'${f.string ? ` (${f.string})` : ''} has no rule: creating a record will fail unless Odoo has a default` });
      }
    }
  }
  return issues;
}
