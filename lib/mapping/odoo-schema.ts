/**
 * A zod schema derived from an Odoo model's `fields_get` (attributes type, required, selection, readonly,
 * relation, string). Mirrors what Odoo itself would reject in create/write: unknown field names
 * ("Invalid field 'x' on model 'y'"), wrong types, selection values not in the list, and, on create,
 * missing required fields. `readonly` is not enforced: it is a UI attribute, RPC writes still apply it.
 */
import { z } from 'zod';

export interface OdooFieldInfo {
  type: string;
  string?: string;
  required?: boolean;
  readonly?: boolean;
  relation?: string;
  selection?: Array<[string | number, string]> | false;
}
export type OdooFields = Record<string, OdooFieldInfo>;

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAGIC = new Set(['id', 'display_name', 'create_uid', 'create_date', 'write_uid', 'write_date', '__last_update']);

/** x2many value: a list of ids, or Odoo commands [[0,0,{...}], [1,id,{...}], [2,id], [3,id], [4,id], [5], [6,0,[ids]]]. */
const x2many = z.array(
  z.union([
    z.number().int().positive(),
    z.tuple([z.literal(0), z.number(), z.record(z.string(), z.unknown())]),
    z.tuple([z.literal(1), z.number().int().positive(), z.record(z.string(), z.unknown())]),
    z.tuple([z.union([z.literal(2), z.literal(3), z.literal(4)]), z.number().int().positive()]).rest(z.unknown()),
    z.tuple([z.literal(5)]).rest(z.unknown()),
    z.tuple([z.literal(6), z.number(), z.array(z.number().int().positive())]),
  ]),
);

/** Odoo writes `false` to clear a non-required field. */
function orFalse(schema: z.ZodType, required: boolean | undefined, expected: string): z.ZodType {
  return required ? schema : z.union([schema, z.literal(false)], { error: () => `expected ${expected} or false` });
}

export function fieldSchema(name: string, f: OdooFieldInfo): z.ZodType {
  const label = f.string ? `${f.string} (${name})` : name;
  switch (f.type) {
    case 'char':
    case 'text':
    case 'html':
      return f.required ? z.string().trim().min(1, `${label} is required`) : orFalse(z.string(), false, 'text');
    case 'integer':
      return z.number().int();
    case 'float':
    case 'monetary':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'date':
      return orFalse(z.string().regex(DATE, "expected 'YYYY-MM-DD'"), f.required, "a date 'YYYY-MM-DD'");
    case 'datetime':
      return orFalse(z.string().regex(DATETIME, "expected 'YYYY-MM-DD HH:MM:SS' (UTC)"), f.required, "a datetime 'YYYY-MM-DD HH:MM:SS' (UTC)");
    case 'selection': {
      const values = (f.selection || []).map(([v]) => v);
      const list = values.map((v) => JSON.stringify(v)).join(', ');
      return z.custom<string | number | false>((v) => values.includes(v as string | number) || (!f.required && v === false), {
        error: `expected one of ${list}${f.required ? '' : ' or false'}`,
      });
    }
    case 'many2one':
      return orFalse(z.number().int().positive(), f.required, `a ${f.relation ?? 'record'} id`);
    case 'one2many':
    case 'many2many':
      return x2many;
    case 'binary':
    case 'image':
      return orFalse(z.string(), false, 'base64 text');
    default:
      // json, properties, reference, many2one_reference...: accepted as sent.
      return z.unknown();
  }
}

/**
 * mode 'create': required fields must be present; 'write': every field optional.
 * Magic/log fields (id, create_date...) are rejected like unknown ones.
 */
export function schemaFromFields(fields: OdooFields, opts: { mode?: 'create' | 'write'; model?: string } = {}): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, f] of Object.entries(fields)) {
    if (MAGIC.has(name)) continue;
    const s = fieldSchema(name, f);
    shape[name] = opts.mode !== 'write' && f.required ? s : s.optional();
  }
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `Invalid field ${(issue.keys as string[]).map((k) => `'${k}'`).join(', ')} on model '${opts.model ?? '?'}'` : undefined,
  });
}
