/**
 * A tiny SandboxDatabase used to test the protocol layer on its own (fault mapping, marshalling,
 * routing) independently of the real ORM. One model, `x.thing`, with a handful of methods.
 */
import { AccessDenied, AccessError, LockError, MissingError, PythonError, UserError, ValidationError } from '../../../sandbox/odoo/exceptions';
import type { CreateDatabaseOptions } from '../../../sandbox/odoo/server';
import type { OdooVersion, SandboxDatabase, SandboxUser } from '../../../sandbox/odoo/types';

interface Thing {
  id: number;
  name: string;
  note: string | false;
}

const USERS: SandboxUser[] = [
  { uid: 2, login: 'admin', password: 'admin', apiKey: 'fake-admin-key', name: 'Administrator' },
  { uid: 6, login: 'integration', password: 'integration', apiKey: 'fake-integration-key', name: 'Integration' },
];

export function createFakeDatabase(opts: CreateDatabaseOptions): SandboxDatabase {
  const version: OdooVersion = opts.version;
  const data = opts.data as { things: Thing[]; nextId: number } | undefined;
  let things: Thing[] = data ? data.things.map((t) => ({ ...t })) : [
    { id: 1, name: 'One', note: false },
    { id: 2, name: 'Two', note: 'second' },
  ];
  let nextId = data ? data.nextId : 3;

  const browse = (ids: unknown): Thing[] => {
    const list = (Array.isArray(ids) ? ids : [ids]) as number[];
    return list.map((id) => {
      const t = things.find((x) => x.id === id);
      if (!t) throw new MissingError(`Record does not exist or has been deleted.\n(Record: x.thing(${id},), User: 2)`);
      return t;
    });
  };
  const filter = (domain: unknown): Thing[] => {
    if (!Array.isArray(domain)) throw new PythonError('ValueError', `Invalid domain: ${JSON.stringify(domain)}`);
    let out = things;
    for (const term of domain) {
      if (!Array.isArray(term) || term.length !== 3) throw new PythonError('ValueError', `Invalid leaf ${JSON.stringify(term)}`);
      const [f, op, v] = term;
      if (!['id', 'name', 'note'].includes(f)) throw new PythonError('ValueError', `Invalid field x.thing.${f} in leaf ${JSON.stringify(term)}`);
      if (op !== '=') throw new PythonError('ValueError', `Invalid operator ${JSON.stringify(op)}`);
      out = out.filter((t) => (t as unknown as Record<string, unknown>)[f] === v);
    }
    return out;
  };
  const run = (uid: number, method: string, ids: unknown, params: Record<string, unknown>): unknown => {
    const snapshot = things.map((t) => ({ ...t }));
    const snapNext = nextId;
    try {
      switch (method) {
        case 'search_read':
          return filter(params.domain ?? []).map((t) => ({ ...t }));
        case 'search':
          return filter(params.domain ?? []).map((t) => t.id);
        case 'read':
          return browse(ids).map((t) => ({ ...t }));
        case 'create': {
          const list = Array.isArray(params.vals_list) ? params.vals_list : [params.vals_list];
          const created = list.map((vals) => {
            const v = vals as Record<string, unknown>;
            if (!v.name) throw new ValidationError('The operation cannot be completed: Missing required value for the field Name (name)');
            const t: Thing = { id: nextId++, name: String(v.name), note: (v.note as string) ?? false };
            things.push(t);
            return t.id;
          });
          return Array.isArray(params.vals_list) ? created : created[0];
        }
        case 'write':
          for (const t of browse(ids)) Object.assign(t, params.vals as object);
          return true;
        case 'unlink':
          if (uid !== 2) throw new AccessError('You are not allowed to delete \'Thing\' (x.thing) records.');
          browse(ids);
          things = things.filter((t) => !(ids as number[]).includes(t.id));
          return true;
        case 'action_none':
          browse(ids)[0].note = 'touched';
          return null;
        case 'action_fail':
          browse(ids)[0].note = 'should be rolled back';
          throw new UserError('Nothing to do here.');
        case 'action_lock':
          throw new LockError('Record is locked.');
        case 'action_crash':
          throw new TypeError('boom (a sandbox bug)');
        case 'context_echo':
          return params.context ?? {};
        default:
          throw new PythonError('AttributeError', `The method 'x.thing.${method}' does not exist`);
      }
    } catch (err) {
      things = snapshot;
      nextId = snapNext;
      throw err;
    }
  };
  const positional: Record<string, string[]> = {
    search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
    search: ['domain', 'offset', 'limit', 'order'],
    create: ['vals_list'],
    write: ['vals'],
    read: ['fields'],
    unlink: [],
    action_none: [],
    action_fail: [],
    action_lock: [],
    action_crash: [],
    context_echo: [],
  };
  const recordMethods = new Set(['read', 'write', 'unlink', 'action_none', 'action_fail', 'action_lock', 'action_crash']);
  return {
    name: 'demo',
    version,
    authenticate(login, password) {
      const u = USERS.find((x) => x.login === login && (x.password === password || x.apiKey === password));
      return u ? u.uid : false;
    },
    checkCredentials(uid, password) {
      const u = USERS.find((x) => x.uid === uid);
      if (!u || (u.password !== password && u.apiKey !== password)) throw new AccessDenied();
    },
    uidForApiKey(key) {
      const u = USERS.find((x) => x.apiKey === key);
      return u ? u.uid : false;
    },
    execute(uid, model, method, args, kwargs) {
      const names = positional[method];
      if (!names) throw new PythonError('AttributeError', `The method '${model}.${method}' does not exist`);
      const rest = [...args];
      const ids = recordMethods.has(method) ? rest.shift() : undefined;
      const params: Record<string, unknown> = {};
      names.forEach((n, i) => {
        if (i < rest.length) params[n] = rest[i];
      });
      for (const [k, v] of Object.entries(kwargs)) {
        if (k !== 'context' && !names.includes(k)) throw new PythonError('TypeError', `${method}() got an unexpected keyword argument '${k}'`);
        params[k] = v;
      }
      return run(uid, method, ids, params);
    },
    executeNamed(uid, model, method, ids, params, context) {
      const names = positional[method];
      if (!names) throw new PythonError('AttributeError', `The method '${model}.${method}' does not exist`);
      for (const k of Object.keys(params)) {
        if (!names.includes(k)) throw new PythonError('TypeError', `${method}() got an unexpected keyword argument '${k}'`);
      }
      const r = run(uid, method, ids, { ...params, context });
      return r;
    },
    hasModel(model) {
      return model === 'x.thing';
    },
    dump() {
      return { things, nextId };
    },
    users() {
      return USERS.map((u) => ({ ...u }));
    },
  };
}
