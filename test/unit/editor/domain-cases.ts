/** Domain cases shared by the validator's unit test and the browser-copy parity test. */
import type { DomainField } from '../../../lib/editor/domain';

export const PARTNER_FIELDS: Record<string, DomainField> = {
  name: { type: 'char', string: 'Name', required: true },
  email: { type: 'char', string: 'Email' },
  is_company: { type: 'boolean', string: 'Is a Company' },
  customer_rank: { type: 'integer', string: 'Customer Rank' },
  credit_limit: { type: 'float', string: 'Credit Limit' },
  type: { type: 'selection', string: 'Address Type', selection: [['contact', 'Contact'], ['invoice', 'Invoice Address'], ['delivery', 'Delivery Address'], ['other', 'Other Address']] },
  country_id: { type: 'many2one', string: 'Country', relation: 'res.country' },
  parent_id: { type: 'many2one', string: 'Related Company', relation: 'res.partner' },
  child_ids: { type: 'one2many', string: 'Contact', relation: 'res.partner' },
  category_id: { type: 'many2many', string: 'Tags', relation: 'res.partner.category' },
  write_date: { type: 'datetime', string: 'Last Updated on' },
};

export interface DomainCase {
  name: string;
  input: unknown;
  fields?: boolean;
  version?: number;
  ok: boolean;
  /** Substring of the first error message. */
  error?: string;
  /** Path of the first error. */
  errorPath?: number[];
  warnings?: number;
}

export const DOMAIN_CASES: DomainCase[] = [
  { name: 'empty text is the empty domain', input: '', ok: true },
  { name: 'empty list', input: '[]', ok: true },
  { name: 'one term', input: '[["state", "=", "sale"]]', ok: true },
  { name: 'implicit AND', input: '[["a", "=", 1], ["b", "!=", false]]', ok: true },
  { name: 'prefix OR then AND', input: '["|", ["a", "=", 1], ["b", "=", 2], ["c", "=", 3]]', ok: true },
  { name: 'nested prefix', input: '["&", "|", ["a","=",1], ["b","=",2], "!", ["c","=",3]]', ok: true },
  { name: 'TRUE and FALSE leaves', input: '[[1, "=", 1], "!", [0, "=", 1]]', ok: true },
  { name: 'dotted path', input: '[["partner_id.country_id.code", "=", "BE"]]', ok: true },
  { name: 'operator case-insensitive', input: '[["name", "ILIKE", "acme"]]', ok: true },
  { name: 'all operators accepted', input: JSON.stringify(['=', '!=', '<>', '<', '>', '<=', '>=', '=?', 'like', 'not like', 'ilike', 'not ilike', '=like', '=ilike', 'in', 'not in', 'child_of', 'parent_of'].map((op) => ['x', op, op.includes('in') && !op.includes('like') ? [1] : 1])), ok: true },
  { name: 'any with sub-domain', input: '[["child_ids", "any", [["email", "ilike", "@acme"]]]]', ok: true },
  { name: 'in with scalar warns', input: '[["id", "in", 5]]', ok: true, warnings: 1 },
  { name: 'invalid JSON', input: '[["a", "=", 1]', ok: false, error: 'Not valid JSON', errorPath: [] },
  { name: 'Python domain', input: "[('state', '=', 'sale')]", ok: false, error: 'Python domain', errorPath: [] },
  { name: 'not a list', input: '{"state": "sale"}', ok: false, error: 'list of conditions', errorPath: [] },
  { name: 'unknown operator', input: '[["a", "equals", 1]]', ok: false, error: 'Unknown operator', errorPath: [0] },
  { name: 'two-part term', input: '[["a", "="]]', ok: false, error: 'three parts', errorPath: [0] },
  { name: 'OR missing operand', input: '["|", ["a", "=", 1]]', ok: false, error: "'|' needs two conditions", errorPath: [0] },
  { name: 'NOT at the end', input: '[["a", "=", 1], "!"]', ok: false, error: "'!' needs a condition", errorPath: [1] },
  { name: 'unknown logical operator', input: '["or", ["a", "=", 1], ["b", "=", 1]]', ok: false, error: 'Unknown logical operator', errorPath: [0] },
  { name: 'bad field path', input: '[["a..b", "=", 1]]', ok: false, error: 'field name or a dotted path', errorPath: [0] },
  { name: 'bare boolean', input: '[true]', ok: false, error: 'not a condition', errorPath: [0] },
  { name: 'number element', input: '[["a", "=", 1], 3]', ok: false, error: 'Each element', errorPath: [1] },
  { name: 'like with a list', input: '[["name", "ilike", ["a"]]]', ok: false, error: 'expects a text value', errorPath: [0] },
  { name: 'any needs a list', input: '[["child_ids", "any", "x"]]', ok: false, error: 'sub-domain', errorPath: [0] },
  { name: 'error inside any', input: '[["child_ids", "any", [["email", "~", 1]]]]', ok: false, error: 'Unknown operator', errorPath: [0, 2, 0] },
  { name: 'bad constant leaf', input: '[[1, "=", 0]]', ok: false, error: 'Constant conditions', errorPath: [0] },
  { name: 'not =like needs 19', input: '[["name", "not =like", "A%"]]', version: 18, ok: false, error: 'needs Odoo 19', errorPath: [0] },
  { name: 'not =like on 19', input: '[["name", "not =like", "A%"]]', version: 19, ok: true },
  { name: 'known fields', input: '[["name", "ilike", "acme"], ["is_company", "=", true], ["country_id.code", "=", "BE"], ["id", ">", 3]]', fields: true, ok: true },
  { name: 'unknown field', input: '[["nmae", "=", "x"]]', fields: true, ok: false, error: "Unknown field 'nmae'", errorPath: [0] },
  { name: 'path through a char field', input: '[["email.domain", "=", "x"]]', fields: true, ok: false, error: 'no sub-field', errorPath: [0] },
  { name: 'number field with text', input: '[["customer_rank", ">", "many"]]', fields: true, ok: false, error: 'not a number', errorPath: [0] },
  { name: 'boolean field with text', input: '[["is_company", "=", "yes"]]', fields: true, ok: false, error: 'is boolean', errorPath: [0] },
  { name: 'selection value not offered', input: '[["type", "=", "private"]]', fields: true, ok: true, warnings: 1 },
  { name: 'child_of on char', input: '[["name", "child_of", 1]]', fields: true, ok: false, error: 'needs a relational field', errorPath: [0] },
  { name: 'any on a char field', input: '[["name", "any", []]]', fields: true, ok: false, error: 'needs a relational field', errorPath: [0] },
  { name: 'errors are ordered left to right', input: '[["a", "~", 1], ["b", "~", 1]]', ok: false, error: 'Unknown operator', errorPath: [0] },
  { name: 'parsed value accepted', input: [['a', '=', 1]], ok: true },
  { name: 'parsed non-list', input: 5, ok: false, error: 'list of conditions', errorPath: [] },
];
