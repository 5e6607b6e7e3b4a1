/** Test helpers: a seeded sandbox database driven through execute_kw as a given user, like a real client. */
import { createDatabase, type SandboxDb } from '../../../sandbox/odoo/database';
import type { OdooVersion } from '../../../sandbox/odoo/types';

export type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Client {
  db: SandboxDb;
  uid: number;
  call(model: string, method: string, args?: unknown[], kwargs?: Record<string, unknown>): any; // eslint-disable-line @typescript-eslint/no-explicit-any
  read(model: string, id: number, fields: string[], context?: Record<string, unknown>): Rec;
  searchRead(model: string, domain: unknown[], fields: string[], kwargs?: Record<string, unknown>): Rec[];
}

export function client(db: SandboxDb, login: string, password = login): Client {
  const uid = db.authenticate(login, password);
  if (!uid) throw new Error(`cannot authenticate ${login}`);
  const call = (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => db.execute(uid, model, method, args, kwargs);
  return {
    db, uid, call,
    read: (model, id, fields, context) => (call(model, 'read', [[id], fields], context ? { context } : {}) as Rec[])[0],
    searchRead: (model, domain, fields, kwargs = {}) => call(model, 'search_read', [domain, fields], kwargs) as Rec[],
  };
}

const cache = new Map<string, SandboxDb>();

/** A fresh demo database (seeded) per call; `shared` returns one cached per version for read-only tests. */
export function demoDb(version: OdooVersion, shared = false): SandboxDb {
  const key = String(version);
  if (shared && cache.has(key)) return cache.get(key) as SandboxDb;
  const db = createDatabase({ version });
  if (shared) cache.set(key, db);
  return db;
}

export function storable(version: OdooVersion): Rec {
  return version === 17 ? { type: 'product' } : { type: 'consu', is_storable: true };
}

export const VERSIONS: OdooVersion[] = [17, 18, 19];
