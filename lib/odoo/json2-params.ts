/**
 * JSON-2 takes named parameters only (`POST /json/2/<model>/<method>` with `{ids?, context?, ...params}`).
 * `executeKw` keeps the XML-RPC calling convention (positional `args`, keyword `kwargs`) for both
 * protocols; this module maps positional args to the parameter names of the common ORM methods.
 * Record methods take `args[0]` as the ids (like XML-RPC's call_kw); their further parameters
 * must be given by name in `kwargs`.
 */
import { OdooRequestError } from './errors';

interface Signature {
  /** args[0] are the record ids. */
  ids?: boolean;
  /** Names of the remaining positional parameters, in order. */
  params: string[];
}

/** Positional parameter names of the ORM methods, as in Odoo 19's Python signatures. */
export const JSON2_SIGNATURES: Readonly<Record<string, Signature>> = {
  search_read: { params: ['domain', 'fields', 'offset', 'limit', 'order'] },
  search: { params: ['domain', 'offset', 'limit', 'order'] },
  search_count: { params: ['domain', 'limit'] },
  search_fetch: { params: ['domain', 'field_names', 'offset', 'limit', 'order'] },
  read: { ids: true, params: ['fields', 'load'] },
  write: { ids: true, params: ['vals'] },
  unlink: { ids: true, params: [] },
  create: { params: ['vals_list'] },
  copy: { ids: true, params: ['default'] },
  exists: { ids: true, params: [] },
  name_search: { params: ['name', 'domain', 'operator', 'limit'] },
  name_create: { params: ['name'] },
  fields_get: { params: ['allfields', 'attributes'] },
  default_get: { params: ['fields_list'] },
  read_group: { params: ['domain', 'fields', 'groupby', 'offset', 'limit', 'orderby', 'lazy'] },
  formatted_read_group: { params: ['domain', 'groupby', 'aggregates', 'having', 'offset', 'limit', 'order'] },
  context_get: { params: [] },
  action_archive: { ids: true, params: [] },
  action_unarchive: { ids: true, params: [] },
  check_access_rights: { params: ['operation', 'raise_exception'] },
  has_access: { ids: true, params: ['operation'] },
};

export interface Json2Request {
  ids?: number[];
  params: Record<string, unknown>;
  context?: Record<string, unknown>;
}

function isIdList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x));
}

function toIds(v: unknown): number[] | undefined {
  if (Number.isInteger(v)) return [v as number];
  if (isIdList(v)) return v;
  return undefined;
}

export function toJson2Request(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Json2Request {
  const { context, ...named } = kwargs ?? {};
  const sig = JSON2_SIGNATURES[method];
  const params: Record<string, unknown> = {};
  let ids: number[] | undefined;
  let rest = args ?? [];
  if (sig) {
    if (sig.ids && rest.length > 0) {
      ids = toIds(rest[0]);
      if (!ids) throw new OdooRequestError(`${model}.${method}: args[0] must be a record id or a list of ids`, { model, method, protocol: 'json2' });
      rest = rest.slice(1);
    }
    if (rest.length > sig.params.length) {
      throw new OdooRequestError(`${model}.${method}: too many positional arguments (${args.length}) for JSON-2`, { model, method, protocol: 'json2' });
    }
    rest.forEach((v, i) => {
      if (v !== undefined) params[sig.params[i]] = v;
    });
  } else if (rest.length > 0) {
    ids = toIds(rest[0]);
    if (!ids || rest.length > 1) {
      throw new OdooRequestError(
        `${model}.${method}: JSON-2 takes named parameters only; give args[0] as the record ids and the other parameters in kwargs`,
        { model, method, protocol: 'json2' },
      );
    }
  }
  if (typeof named.ids !== 'undefined') {
    ids = toIds(named.ids);
    delete named.ids;
  }
  for (const [k, v] of Object.entries(named)) if (v !== undefined) params[k] = v;
  const req: Json2Request = { params };
  if (ids) req.ids = ids;
  if (context && typeof context === 'object') req.context = context as Record<string, unknown>;
  return req;
}
