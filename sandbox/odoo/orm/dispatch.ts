/**
 * Odoo's call_kw for the two calling conventions: positional RPC (XML-RPC / JSON-RPC execute_kw)
 * and JSON-2 named parameters. Binds arguments to MethodDef.params, runs the method and adapts the
 * result (recordsets -> ids per version).
 */
import { AccessError, PythonError, UserError } from '../exceptions';
import type { Context, MethodDef, ParamDef } from './schema';
import { Recordset } from './schema';
import type { OrmCore } from './core';
import { EnvImpl, builtinMethod } from './core';
import './builtins';
import { pyRepr } from './pyrepr';

/**
 * A JSON-2 binding failure (ids given to an @api.model method, unknown or missing parameter):
 * Odoo answers 422. `httpStatus` tells the JSON-2 front end; over XML-RPC it is a TypeError.
 */
export class BindingError extends PythonError {
  readonly httpStatus = 422;
  constructor(message: string) {
    super('TypeError', message, 'werkzeug.exceptions.UnprocessableEntity');
  }
}

/** Unknown public method: AttributeError (fault 1 over XML-RPC); JSON-2 answers 404. */
export class UnknownMethodError extends PythonError {
  readonly httpStatus = 404;
  constructor(model: string, method: string) {
    super('AttributeError', `The method '${model}.${method}' does not exist`);
  }
}

const pname = (p: ParamDef) => (typeof p === 'string' ? p : p.name);

function privateError(version: number, model: string, method: string): AccessError {
  return new AccessError(
    version >= 18
      ? `Private methods (such as '${model}.${method}') cannot be called remotely.`
      : `Private methods (such as ${method}) cannot be called remotely.`,
  );
}

export interface ResolvedMethod {
  def: MethodDef;
  builtin: boolean;
}

export function resolveMethod(core: OrmCore, model: string, method: string): ResolvedMethod {
  if (core.version <= 17 && method.startsWith('_')) throw privateError(core.version, model, method);
  const info = core.registry.tryInfo(model);
  if (!info) throw new UserError(`Object ${model} doesn't exist`);
  if (method.startsWith('_')) throw privateError(core.version, model, method);
  const own = info.methods.get(method);
  const def = own ?? builtinMethod(core.version, method);
  if (!def) throw new UnknownMethodError(model, method);
  if (def.private && core.version >= 18) throw privateError(core.version, model, method);
  return { def, builtin: !own };
}

function toIds(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (v === false || v === null || v === undefined) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  throw new PythonError('TypeError', `unhashable type: '${Array.isArray(v) ? 'list' : typeof v === 'object' ? 'dict' : 'str'}'`);
}

function positionalError(method: string, def: MethodDef, given: number, records: boolean): PythonError {
  const required = def.params.filter((p) => typeof p === 'string').length;
  const max = def.params.length + 1 + (records ? 0 : 0);
  const min = required + 1;
  const takes = min === max ? `takes ${max} positional argument${max === 1 ? '' : 's'}` : `takes from ${min} to ${max} positional arguments`;
  return new PythonError('TypeError', `${method}() ${takes} but ${given + 1} were given`);
}

/** Bind positional args + kwargs to the signature, Python style. */
export function bindPositional(method: string, def: MethodDef, args: unknown[], kwargs: Record<string, unknown>, records: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (args.length > def.params.length) throw positionalError(method, def, args.length, records);
  def.params.forEach((p, i) => {
    if (i < args.length) out[pname(p)] = args[i];
  });
  for (const [k, v] of Object.entries(kwargs)) {
    const known = def.params.some((p) => pname(p) === k);
    if (!known && !def.varKwargs) throw new PythonError('TypeError', `${method}() got an unexpected keyword argument '${k}'`);
    if (k in out && known) throw new PythonError('TypeError', `${method}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  const missing = def.params.filter((p) => typeof p === 'string' && !(p in out)).map(pname);
  if (missing.length) {
    const names = missing.map((n) => `'${n}'`);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    throw new PythonError('TypeError', `${method}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`);
  }
  for (const p of def.params) if (typeof p !== 'string' && !(p.name in out)) out[p.name] = p.default;
  return out;
}

/** Bind JSON-2 named parameters (inspect.Signature.bind messages). */
export function bindNamed(def: MethodDef, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (!def.params.some((p) => pname(p) === k) && !def.varKwargs) throw new BindingError(`got an unexpected keyword argument '${k}'`);
    out[k] = v;
  }
  for (const p of def.params) {
    if (typeof p === 'string') {
      if (!(p in out)) throw new BindingError(`missing a required argument: '${p}'`);
    } else if (!(p.name in out)) out[p.name] = p.default;
  }
  return out;
}

function contextOf(v: unknown): Context {
  if (v === undefined || v === null || v === false) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new PythonError('TypeError', `'${Array.isArray(v) ? 'list' : typeof v}' object is not a mapping`);
  return v as Context;
}

/** Odoo checks allowed_company_ids against the user's companies on first use of env.companies. */
function checkCompanies(core: OrmCore, uid: number, context: Context): void {
  const allowed = context.allowed_company_ids;
  if (allowed === undefined || allowed === null || allowed === false) return;
  const list = Array.isArray(allowed) ? allowed : [allowed];
  const row = core.store.table('res.users').rows.get(uid);
  const mine = new Set<unknown>([...((row?.company_ids as number[] | undefined) ?? []), row?.company_id]);
  if (list.some((c) => !mine.has(c))) throw new AccessError('Access to unauthorized or invalid companies.');
}

function run(core: OrmCore, uid: number, model: string, method: string, resolved: ResolvedMethod, ids: number[] | null, bound: Record<string, unknown>, context: Context): unknown {
  checkCompanies(core, uid, context);
  const env = new EnvImpl(core, uid, context, false);
  env.currentModel = model;
  const def = resolved.def;
  const api = env.model(model);
  if (def.checkAccess) api.checkAccess(def.checkAccess);
  if (def.kind === 'records' && !resolved.builtin) api.ensureExist(ids ?? []);
  void method;
  core.txUid = uid;
  try {
    return core.operation(() => def.impl(env, def.kind === 'records' ? ids ?? [] : null, bound));
  } finally {
    core.txUid = null;
  }
}

/** Make a method's result JSON-able: undefined -> null, nested recordsets -> ids. */
function plain(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Recordset) return v.ids.slice();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}

/** XML-RPC / JSON-RPC execute_kw semantics. */
export function executeKw(core: OrmCore, uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
  if (typeof model !== 'string' || typeof method !== 'string') throw new PythonError('TypeError', 'model and method must be strings');
  const resolved = resolveMethod(core, model, method);
  const kw = { ...(kwargs ?? {}) };
  const context = contextOf(kw.context);
  delete kw.context;
  const list = Array.isArray(args) ? args : [];
  let ids: number[] | null = null;
  let rest = list;
  if (resolved.def.kind === 'records') {
    if (!list.length) throw new PythonError('IndexError', 'list index out of range');
    ids = toIds(list[0]);
    rest = list.slice(1);
  }
  const bound = bindPositional(method, resolved.def, rest, kw, resolved.def.kind === 'records');
  const result = run(core, uid, model, method, resolved, ids, bound, context);
  if (result instanceof Recordset) {
    if (method === 'create') {
      const single = !Array.isArray(bound.vals_list);
      return single ? result.ids[0] : result.ids.slice();
    }
    if (method === 'copy' && core.version <= 18) return result.ids[0] ?? false;
    if (core.version >= 19 || resolved.def.returnsRecordset) return result.ids.slice();
    throw new PythonError('TypeError', `cannot marshal <class 'odoo.api.${result.model}'> objects`);
  }
  return resolved.builtin ? (result === undefined ? null : result) : plain(result);
}

/** JSON-2 semantics: named parameters, ids separate, any recordset -> ids. */
export function executeJson2(core: OrmCore, uid: number, model: string, method: string, ids: number[] | undefined, params: Record<string, unknown>, context: Record<string, unknown> | undefined): unknown {
  const resolved = resolveMethod(core, model, method);
  if (resolved.def.kind === 'model' && ids && ids.length) throw new BindingError(`cannot call ${model}.${method} with ids`);
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new BindingError(`invalid parameters ${pyRepr(params)}`);
  const p = { ...params };
  delete p.ids;
  delete p.context;
  const bound = bindNamed(resolved.def, p);
  const result = run(core, uid, model, method, resolved, resolved.def.kind === 'records' ? ids ?? [] : null, bound, contextOf(context));
  if (resolved.builtin && !(result instanceof Recordset)) return result === undefined ? null : result;
  return plain(result);
}
