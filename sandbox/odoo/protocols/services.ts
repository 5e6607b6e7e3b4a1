/**
 * Odoo's RPC services (`odoo/service/common.py`, `odoo/service/model.py`, `db` list) shared by
 * XML-RPC and JSON-RPC: argument checks the way Python reports them, credentials re-checked on every
 * object call, unknown model / private method checks, then the call into the ORM.
 */
import { AccessDenied, AccessError, LockError, OdooException, PythonError, UserError } from '../exceptions';
import type { FaultController } from '../faults';
import type { OdooVersion, SandboxDatabase } from '../types';
import { pyRepr } from './xmlrpc-codec';

export interface ServiceContext {
  db: SandboxDatabase;
  version: OdooVersion;
  faults: FaultController;
}

export function versionInfo(version: OdooVersion): Record<string, unknown> {
  return {
    server_version: `${version}.0`,
    server_version_info: [version, 0, 0, 'final', 0, ''],
    server_serie: `${version}.0`,
    protocol_version: 1,
  };
}

function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** Python's positional-argument binding errors for a plain function. */
function bind(fn: string, params: unknown[], names: string[], required: number): void {
  if (params.length < required) {
    const missing = names.slice(params.length, required).map((n) => `'${n}'`);
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw new PythonError('TypeError', `${fn}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`);
  }
  if (params.length > names.length) {
    const takes = required === names.length ? `${names.length}` : `from ${required} to ${names.length}`;
    throw new PythonError('TypeError', `${fn}() takes ${takes} positional argument${names.length > 1 ? 's' : ''} but ${params.length} ${params.length === 1 ? 'was' : 'were'} given`);
  }
}

function checkDb(ctx: ServiceContext, dbName: unknown): void {
  if (dbName !== ctx.db.name) {
    const shown = typeof dbName === 'string' ? dbName : String(dbName);
    throw new PythonError(
      'OperationalError',
      `connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${shown}" does not exist\n`,
      'psycopg2.OperationalError',
    );
  }
}

/** Python's int(x) for the uid argument. */
function pyInt(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new PythonError('ValueError', 'cannot convert float NaN to integer');
    return Math.trunc(v);
  }
  if (typeof v === 'string') {
    if (/^\s*[+-]?\d+\s*$/.test(v)) return parseInt(v, 10);
    throw new PythonError('ValueError', `invalid literal for int() with base 10: ${pyRepr(v)}`);
  }
  throw new PythonError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${pyType(v)}'`);
}

export function dispatchCommon(ctx: ServiceContext, method: string, params: unknown[]): unknown {
  switch (method) {
    case 'version':
      bind('exp_version', params, [], 0);
      return versionInfo(ctx.version);
    case 'about':
      bind('exp_about', params, ['extended'], 0);
      return params[0] ? ['See http://openerp.com', `${ctx.version}.0`] : 'See http://openerp.com';
    case 'login': {
      bind('exp_login', params, ['db', 'login', 'password'], 3);
      return authenticate(ctx, params[0], params[1], params[2]);
    }
    case 'authenticate': {
      bind('exp_authenticate', params, ['db', 'login', 'password', 'user_agent_env'], 4);
      return authenticate(ctx, params[0], params[1], params[2]);
    }
    default:
      throw new PythonError('Exception', `Method not found: ${method}`);
  }
}

function authenticate(ctx: ServiceContext, dbName: unknown, login: unknown, password: unknown): number | false {
  checkDb(ctx, dbName);
  if (typeof login !== 'string' || typeof password !== 'string' || password === '') return false;
  return ctx.db.authenticate(login, password);
}

export function dispatchDb(ctx: ServiceContext, method: string, params: unknown[]): unknown {
  switch (method) {
    case 'list':
      bind('exp_list', params, ['document'], 0);
      return [ctx.db.name];
    case 'server_version':
      bind('exp_server_version', params, [], 0);
      return `${ctx.version}.0`;
    case 'db_exist':
      bind('exp_db_exist', params, ['db_name'], 1);
      return params[0] === ctx.db.name;
    case 'list_lang':
      return [['en_US', 'English (US)']];
    default:
      // Creating, dropping and restoring databases needs the master password, which the sandbox has none of.
      throw new AccessDenied();
  }
}

/** The concurrent-update error Odoo raises once its own retries are exhausted. */
export function concurrentUpdateError(kind: 'serialization' | 'lock', version: OdooVersion): OdooException {
  if (kind === 'lock') {
    const msg = 'Cannot perform the operation because some records are being updated by another transaction. Please try again later.';
    return version >= 19 ? new LockError(msg) : new UserError(msg);
  }
  return new PythonError('SerializationFailure', 'could not serialize access due to concurrent update\n', 'psycopg2.errors.SerializationFailure');
}

/** Checks shared by every object entry point (XML-RPC, JSON-RPC, JSON-2): model existence and private methods. */
export function checkModelMethod(ctx: ServiceContext, model: unknown, method: unknown): asserts model is string {
  if (typeof model !== 'string' || !ctx.db.hasModel(model)) {
    throw new UserError(`Object ${typeof model === 'string' ? model : String(model)} doesn't exist`);
  }
  if (typeof method !== 'string') throw new PythonError('TypeError', `attribute name must be string, not '${pyType(method)}'`);
  if (method.startsWith('_')) {
    throw new AccessError(
      ctx.version >= 18
        ? `Private methods (such as '${model}.${method}') cannot be called remotely.`
        : `Private methods (such as ${method}) cannot be called remotely.`,
    );
  }
}

export function dispatchObject(ctx: ServiceContext, method: string, params: unknown[]): unknown {
  if (params.length < 3) throw new PythonError('IndexError', 'tuple index out of range');
  const [dbName, rawUid, password] = params;
  const uid = pyInt(rawUid);
  checkDb(ctx, dbName);
  if (typeof password !== 'string' || password === '') throw new AccessDenied();
  ctx.db.checkCredentials(uid, password);
  const rest = params.slice(3);
  let model: unknown;
  let fn: unknown;
  let args: unknown[];
  let kwargs: Record<string, unknown>;
  if (method === 'execute') {
    if (rest.length < 2) bind('execute', [dbName, uid, ...rest], ['db', 'uid', 'obj', 'method'], 4);
    [model, fn] = rest;
    args = rest.slice(2);
    kwargs = {};
  } else if (method === 'execute_kw') {
    bind('execute_kw', [dbName, uid, ...rest], ['db', 'uid', 'obj', 'method', 'args', 'kw'], 5);
    [model, fn] = rest;
    const a = rest[2] === undefined ? [] : rest[2];
    const kw = rest[3];
    if (!Array.isArray(a)) {
      throw new PythonError('TypeError', `odoo.service.model.execute() argument after * must be an iterable, not ${pyType(a)}`);
    }
    if (kw !== undefined && kw !== null && kw !== false && (typeof kw !== 'object' || Array.isArray(kw))) {
      throw new PythonError('TypeError', `odoo.service.model.execute() argument after ** must be a mapping, not ${pyType(kw)}`);
    }
    args = a;
    kwargs = kw && typeof kw === 'object' ? (kw as Record<string, unknown>) : {};
  } else {
    throw new PythonError('NameError', `Method not available ${method}`);
  }
  checkModelMethod(ctx, model, fn);
  const cu = ctx.faults.concurrentUpdate();
  if (cu) throw concurrentUpdateError(cu, ctx.version);
  return ctx.db.execute(uid, model, fn as string, args, kwargs);
}

export function dispatchRpc(ctx: ServiceContext, service: string, method: string, params: unknown[]): unknown {
  if (service === 'common') return dispatchCommon(ctx, method, params);
  if (service === 'object') return dispatchObject(ctx, method, params);
  if (service === 'db') return dispatchDb(ctx, method, params);
  throw new PythonError('KeyError', pyRepr(service));
}
