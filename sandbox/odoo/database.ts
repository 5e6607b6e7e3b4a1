/**
 * The sandbox's database "demo": the ORM (orm/) with the base and distribution modules, seeded demo
 * data and credentials, behind the SandboxDatabase interface the protocol front ends use.
 */
import crypto from 'crypto';
import { AccessDenied, PythonError } from './exceptions';
import type { OdooVersion, SandboxDatabase, SandboxUser } from './types';
import type { Context, Env, ModuleRegistrar, Row } from './orm/schema';
import { RegistryImpl } from './orm/registry';
import { Store } from './orm/store';
import { EnvImpl, OrmCore, SUPERUSER_ID } from './orm/core';
import { executeJson2, executeKw } from './orm/dispatch';
import { fieldDescription } from './orm/builtins';
import { formatDatetime } from './orm/values';
import { registerModels as registerBase, seedBase } from './models/base';
import { DISTRIBUTION_MODULES } from './models/distribution';
import { seedDemo } from './seed';

export type SeedFn = (db: SandboxDb) => void;

export interface CreateDatabaseOptions {
  version: OdooVersion;
  /** A previous dump() (from --data FILE): loaded instead of seeding. */
  data?: unknown;
  /**
   * true / absent: the demo data (the distribution seed when present, else only the base records);
   * false: only the base records (company, users, countries); a function: base records, then it.
   */
  seed?: boolean | SeedFn;
  /** Modules to register (default: base + the distribution modules). */
  modules?: ModuleRegistrar[];
}

export interface Credentials {
  password: string;
  apiKey: string;
}

const DUMP_FORMAT = 'odoo-sandbox/1';
/** Rebuilt from the registry at every start, never dumped. */
const GENERATED = new Set(['ir.model', 'ir.model.fields']);

export class SandboxDb implements SandboxDatabase {
  readonly name = 'demo';
  readonly version: OdooVersion;
  readonly registry: RegistryImpl;
  readonly store: Store;
  readonly core: OrmCore;
  private credentials = new Map<number, Credentials>();
  private busy = false;

  constructor(version: OdooVersion, modules: ModuleRegistrar[]) {
    this.version = version;
    this.registry = new RegistryImpl(version);
    for (const m of modules) m(this.registry, version);
    this.registry.finalize();
    this.store = new Store();
    this.core = new OrmCore(this.registry, this.store);
  }

  /** An environment for seeding and tests (superuser, no access checks, by default). */
  env(uid: number = SUPERUSER_ID, context: Context = {}, sudo = uid === SUPERUSER_ID): Env {
    return new EnvImpl(this.core, uid, context, sudo);
  }

  /** Set the password and API key of a user (API key generated when not given). */
  setCredentials(uid: number, password: string, apiKey: string = crypto.randomBytes(20).toString('hex')): Credentials {
    const c = { password, apiKey };
    this.credentials.set(uid, c);
    return c;
  }

  /** Run fn as one transaction (transaction time fixed, all-or-nothing). */
  transaction<T>(fn: () => T): T {
    if (this.busy) throw new Error('re-entrant database call');
    this.busy = true;
    this.store.begin();
    this.core.txNow = formatDatetime(new Date());
    try {
      const r = fn();
      this.store.commit();
      return r;
    } catch (e) {
      this.store.rollback();
      this.core.resetPending();
      throw e;
    } finally {
      this.core.txNow = null;
      this.busy = false;
    }
  }

  private userRow(uid: number): Row | undefined {
    return this.store.table('res.users').rows.get(uid);
  }

  authenticate(login: string, password: string): number | false {
    if (typeof login !== 'string' || typeof password !== 'string' || !password) return false;
    for (const row of this.store.table('res.users').rows.values()) {
      if (row.login !== login || row.active === false) continue;
      const c = this.credentials.get(row.id);
      if (c && (safeEqual(c.password, password) || safeEqual(c.apiKey, password))) return row.id;
      return false;
    }
    return false;
  }

  checkCredentials(uid: number, password: string): void {
    const row = typeof uid === 'number' ? this.userRow(uid) : undefined;
    const c = row && row.active !== false ? this.credentials.get(uid) : undefined;
    if (!c || typeof password !== 'string' || !password || !(safeEqual(c.password, password) || safeEqual(c.apiKey, password))) {
      throw new AccessDenied();
    }
  }

  uidForApiKey(key: string): number | false {
    if (typeof key !== 'string' || !key) return false;
    for (const [uid, c] of this.credentials) {
      if (safeEqual(c.apiKey, key) && this.userRow(uid)?.active !== false && this.userRow(uid)) return uid;
    }
    return false;
  }

  execute(uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
    this.assertUser(uid);
    return this.transaction(() => executeKw(this.core, uid, model, method, args ?? [], kwargs ?? {}));
  }

  executeNamed(uid: number, model: string, method: string, ids: number[] | undefined, params: Record<string, unknown>, context: Record<string, unknown> | undefined): unknown {
    this.assertUser(uid);
    return this.transaction(() => executeJson2(this.core, uid, model, method, ids, params ?? {}, context));
  }

  private assertUser(uid: number): void {
    if (typeof uid !== 'number' || !this.userRow(uid)) throw new AccessDenied();
  }

  hasModel(model: string): boolean {
    return typeof model === 'string' && this.registry.has(model);
  }

  users(): SandboxUser[] {
    const out: SandboxUser[] = [];
    const env = this.env();
    for (const [uid, c] of this.credentials) {
      const row = this.userRow(uid);
      if (!row) continue;
      out.push({ uid, login: row.login as string, password: c.password, apiKey: c.apiKey, name: env.model('res.users').get(uid, 'name') as string });
    }
    return out.sort((a, b) => a.uid - b.uid);
  }

  dump(): unknown {
    const tables: Record<string, { nextId: number; rows: Row[] }> = {};
    for (const [model, t] of this.store.tables) {
      if (GENERATED.has(model)) continue;
      tables[model] = { nextId: t.nextId, rows: [...t.rows.values()] };
    }
    return {
      format: DUMP_FORMAT,
      version: this.version,
      tables,
      sequences: Object.fromEntries(this.store.sequences),
      xmlids: Object.fromEntries(this.store.xmlids),
      credentials: Object.fromEntries([...this.credentials].map(([uid, c]) => [String(uid), c])),
    };
  }

  /** Load a dump() (replaces all data). */
  load(data: unknown): void {
    const d = data as {
      format?: string; version?: number; tables?: Record<string, { nextId: number; rows: Row[] }>;
      sequences?: Record<string, unknown>; xmlids?: Record<string, unknown>; credentials?: Record<string, Credentials>;
    };
    if (!d || typeof d !== 'object' || d.format !== DUMP_FORMAT || !d.tables) throw new Error('not a sandbox data file (format odoo-sandbox/1 expected)');
    if (d.version !== this.version) throw new Error(`the data file was saved by an Odoo ${d.version} sandbox; start with --odoo-version ${d.version} or without the file`);
    for (const [model, t] of Object.entries(d.tables)) {
      if (!this.registry.has(model)) continue;
      const table = this.store.table(model);
      for (const r of t.rows) table.rows.set(r.id, r);
      table.nextId = Math.max(t.nextId, table.nextId);
    }
    for (const [k, v] of Object.entries(d.sequences ?? {})) this.store.sequences.set(k, v);
    for (const [k, v] of Object.entries(d.xmlids ?? {})) this.store.xmlids.set(k, v);
    for (const [uid, c] of Object.entries(d.credentials ?? {})) this.credentials.set(Number(uid), { password: c.password, apiKey: c.apiKey });
    this.store.generation++;
  }

  /** (Re)build ir.model and ir.model.fields from the registry. */
  buildModelTables(): void {
    const env = this.env() as EnvImpl;
    for (const t of ['ir.model.fields', 'ir.model']) {
      const table = this.store.table(t);
      table.rows.clear();
      table.indexes.clear();
      table.nextId = 1;
    }
    const now = this.core.now();
    const names = this.registry.modelNames().sort();
    let modelId = 0;
    let fieldId = 0;
    for (const name of names) {
      const info = this.registry.info(name);
      modelId++;
      this.store.put('ir.model', {
        id: modelId, name: info.description, model: name, info: info.description, state: 'base', transient: info.transient,
        modules: '', create_uid: SUPERUSER_ID, write_uid: SUPERUSER_ID, create_date: now, write_date: now,
      });
      for (const f of info.fieldList) {
        fieldId++;
        const d = fieldDescription(env, info, f);
        const row: Record<string, unknown> = {
          id: fieldId, name: f.name, complete_name: `${name},${f.name}`, model: name, model_id: modelId,
          field_description: f.string, help: f.help ?? false, ttype: f.type, relation: f.relation ?? false,
          relation_field: f.inverseName ?? false, related: f.relatedPath ? f.relatedPath.join('.') : false,
          required: !!f.required, readonly: !!d.readonly, store: !!d.store, index: !!f.index, translate: !!f.translate,
          groups: f.groups ?? false, state: 'base', create_uid: SUPERUSER_ID, write_uid: SUPERUSER_ID, create_date: now, write_date: now,
        };
        if (this.version === 17) row.selection = f.selectionList ? JSON.stringify(f.selectionList) : false;
        this.store.put('ir.model.fields', row as Row);
      }
    }
  }
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && crypto.timingSafeEqual(ba, bb);
}

export function createDatabase(opts: CreateDatabaseOptions): SandboxDb {
  const version = opts.version;
  if (version !== 17 && version !== 18 && version !== 19) throw new Error(`unsupported Odoo version ${String(version)}`);
  const db = new SandboxDb(version, opts.modules ?? [registerBase, ...DISTRIBUTION_MODULES]);
  if (opts.data !== undefined && opts.data !== null) {
    db.load(opts.data);
  } else {
    db.transaction(() => {
      const env = db.env();
      const ids = seedBase(env);
      db.setCredentials(ids.admin, 'admin');
      db.setCredentials(ids.integration, 'integration');
      const seed = typeof opts.seed === 'function' ? opts.seed : opts.seed === false ? null : seedDemo;
      if (seed) seed(db);
    });
  }
  db.buildModelTables();
  return db;
}

export { SUPERUSER_ID, PythonError };
