/**
 * The ORM core: environments, CRUD with Odoo's semantics, x2many commands, computed and related
 * fields, stored-compute recomputation, access rights, sequences and external ids.
 */
import { AccessError, MissingError, PythonError, ValidationError } from '../exceptions';
import type {
  Context, Domain, Env, ModelApi, ModelDef, OdooVersion, Perm, Row, SearchOptions, UserInfo, Vals,
} from './schema';
import { GROUPS, Recordset } from './schema';
import type { FieldInfo, ModelInfo, OrderTerm } from './registry';
import { OrderError, parseOrder, RegistryImpl } from './registry';
import { Store } from './store';
import type { DomainHost } from './domain';
import { andAll, compile, idCandidates, indexCandidates, leafFields, parseDomain } from './domain';
import { convertComputed, convertIn, emptyStored, formatDatetime, isUnset, readScalar, sameValue } from './values';
import { pyRepr } from './pyrepr';

const LOG_FIELDS = new Set(['create_uid', 'create_date', 'write_uid', 'write_date']);
const OPERATION_WORD: Record<Perm, string> = { read: 'access', write: 'modify', create: 'create', unlink: 'delete' };
const collator = new Intl.Collator('en', { sensitivity: 'variant', numeric: false });

export const SUPERUSER_ID = 1;

interface UserCacheEntry {
  gen: number;
  info: UserInfo;
}

export class OrmCore {
  readonly registry: RegistryImpl;
  readonly store: Store;
  readonly version: OdooVersion;
  /** Transaction time of the current call, or null outside calls (then the clock is used). */
  txNow: string | null = null;
  /** User of the current call (write_uid of recomputed records). */
  txUid: number | null = null;
  private userCache = new Map<number, UserCacheEntry>();
  /** comodel -> many2one fields pointing to it */
  private reverseM2o = new Map<string, FieldInfo[]>();
  private reverseM2m = new Map<string, FieldInfo[]>();
  /** stored computes waiting for recomputation: "model\0field" -> ids */
  private pending = new Map<string, Set<number>>();
  private flushing = false;
  private depth = 0;
  /** Records whose stored compute was given explicitly in the current operation. */
  private protectedVals = new Set<string>();

  constructor(registry: RegistryImpl, store: Store) {
    this.registry = registry;
    this.store = store;
    this.version = registry.version;
    registry.finalize();
    for (const info of registry.allInfos()) {
      for (const f of info.fieldList) {
        if (!f.stored || !f.relation) continue;
        const map = f.type === 'many2one' ? this.reverseM2o : f.type === 'many2many' ? this.reverseM2m : null;
        if (!map) continue;
        const list = map.get(f.relation) ?? [];
        list.push(f);
        map.set(f.relation, list);
      }
    }
  }

  env(uid: number, context: Context = {}, su = false): EnvImpl {
    return new EnvImpl(this, uid, context, su);
  }

  now(): string {
    return this.txNow ?? formatDatetime(new Date());
  }

  info(model: string): ModelInfo {
    const info = this.registry.tryInfo(model);
    if (!info) throw new PythonError('KeyError', pyRepr(model));
    return info;
  }

  // ---------------------------------------------------------------- users and groups

  groupXmlids(): Map<number, string> {
    const out = new Map<number, string>();
    for (const [xmlid, ref] of this.store.xmlids) {
      const [model, id] = ref as [string, number];
      if (model === 'res.groups') out.set(id, xmlid);
    }
    return out;
  }

  userInfo(uid: number): UserInfo {
    const cached = this.userCache.get(uid);
    if (cached && cached.gen === this.store.generation) return cached.info;
    const row = this.store.table('res.users').rows.get(uid);
    const groups = new Set<string>();
    if (row) {
      const gf = this.registry.info('res.users').declared.get('groups_id') ?? 'groups_id';
      const byId = this.groupXmlids();
      const defs = new Map(this.registry.groupDefs().map((g) => [g.xmlid, g]));
      const stack: string[] = [];
      for (const gid of (row[gf] as number[] | undefined) ?? []) {
        const x = byId.get(gid);
        if (x) stack.push(x);
      }
      while (stack.length) {
        const g = stack.pop()!;
        if (groups.has(g)) continue;
        groups.add(g);
        for (const imp of defs.get(g)?.implied ?? []) stack.push(imp);
      }
    }
    const info: UserInfo = {
      id: uid,
      login: (row?.login as string) ?? '__system__',
      name: (row?.name as string) ?? 'OdooBot',
      companyId: (row?.company_id as number) || 1,
      partnerId: (row?.partner_id as number) || 0,
      groups,
    };
    this.userCache.set(uid, { gen: this.store.generation, info });
    return info;
  }

  // ---------------------------------------------------------------- access rights

  checkModelAccess(env: EnvImpl, info: ModelInfo, perm: Perm): void {
    if (env.su || env.uid === SUPERUSER_ID) return;
    const groups = this.userInfo(env.uid).groups;
    const allowing: string[] = [];
    for (const g of this.registry.grants()) {
      if (g.model !== info.name || !g.perms[perm]) continue;
      if (g.group === '*' || groups.has(g.group)) return;
      allowing.push(g.group);
    }
    const names = new Map(this.registry.groupDefs().map((g) => [g.xmlid, g.name]));
    const listed = [...new Set(allowing)].map((x) => names.get(x) ?? x).sort();
    const head = `You are not allowed to ${OPERATION_WORD[perm]} '${info.description}' (${info.name}) records.`;
    const groupsInfo = listed.length
      ? `This operation is allowed for the following groups:\n${listed.map((n) => `\t- ${n}`).join('\n')}`
      : 'No group currently allows this operation.';
    throw new AccessError(`${head}\n\n${groupsInfo}\n\nContact your administrator to request access if necessary.`);
  }

  canAccessField(env: EnvImpl, f: FieldInfo): boolean {
    if (!f.groups || env.su || env.uid === SUPERUSER_ID) return true;
    const groups = this.userInfo(env.uid).groups;
    return f.groups.split(',').some((g) => groups.has(g.trim()));
  }

  checkFieldAccess(env: EnvImpl, info: ModelInfo, fields: FieldInfo[], operation: 'read' | 'write'): void {
    const denied = fields.filter((f) => !this.canAccessField(env, f));
    if (!denied.length) return;
    const names = new Map(this.registry.groupDefs().map((g) => [g.xmlid, g.name]));
    const list = denied.map((f) => `- ${f.name} (allowed for groups ${f.groups!.split(',').map((g) => pyRepr(names.get(g.trim()) ?? g.trim())).join(', ')})`);
    throw new AccessError(
      `The requested operation can not be completed due to security restrictions.\n\nDocument type: ${info.description} (${info.name})\nOperation: ${operation}\nUser: ${env.uid}\nFields:\n${list.join('\n')}`,
    );
  }

  missing(info: ModelInfo, ids: number[], uid: number): MissingError {
    return new MissingError(`Record does not exist or has been deleted.\n(Record: ${info.name}(${ids.join(', ')},), User: ${uid})`);
  }

  requiredError(info: ModelInfo, f: FieldInfo): ValidationError {
    if (this.version >= 19) return new ValidationError(`Missing required value for the field '${f.string}' (${f.name})`);
    return new ValidationError(
      'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
        `Model: ${info.description} (${info.name})\nField: ${f.string} (${f.name})\n`,
    );
  }

  fkError(info: ModelInfo, f: FieldInfo): ValidationError {
    return new ValidationError(
      'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
        `Model: ${info.description} (${info.name})\nConstraint: ${info.name.replace(/\./g, '_')}_${f.name}_fkey\n`,
    );
  }

  // ---------------------------------------------------------------- values

  x2manyIds(info: ModelInfo, row: Row, f: FieldInfo): number[] {
    if (f.type === 'many2many' && f.stored) {
      const ids = (row[f.name] as number[] | undefined) ?? [];
      return ids.length > 1 ? this.sortIds(this.registry.info(f.relation!), ids.slice()) : ids;
    }
    if (f.type === 'one2many' && !f.computed) {
      const comodel = this.registry.info(f.relation!);
      const ids = [...this.store.lookup(comodel.name, f.inverseName!, row.id)];
      return this.sortIds(comodel, ids);
    }
    return [];
  }

  sortIds(info: ModelInfo, ids: number[]): number[] {
    if (ids.length < 2) return ids;
    if (info.order.length === 1 && info.order[0].field === 'id') {
      return ids.sort((a, b) => (info.order[0].desc ? b - a : a - b));
    }
    const env = this.env(SUPERUSER_ID, {}, true);
    const cmp = env.comparator(info, info.order);
    const rows = ids.map((id) => this.store.table(info.name).rows.get(id)!).filter(Boolean);
    rows.sort(cmp);
    return rows.map((r) => r.id);
  }

  // ---------------------------------------------------------------- recomputation

  modified(model: string, ids: number[], fields: Iterable<string>): void {
    if (!ids.length) return;
    const info = this.registry.info(model);
    for (const fname of fields) {
      for (const t of info.triggers.get(fname) ?? []) {
        let targets: number[];
        if (!t.path.length) targets = ids;
        else {
          const env = this.env(SUPERUSER_ID, { active_test: false }, true);
          targets = env.model(t.targetModel).search([[t.path.join('.'), 'in', ids]]);
        }
        if (!targets.length) continue;
        const key = `${t.targetModel}\0${t.targetField}`;
        const set = this.pending.get(key) ?? new Set<number>();
        for (const id of targets) set.add(id);
        this.pending.set(key, set);
      }
    }
  }

  flush(): void {
    if (this.flushing || this.depth > 0) return;
    this.flush0();
  }

  private flush0(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let guard = 0;
      while (this.pending.size) {
        if (++guard > 20000) throw new PythonError('RecursionError', 'maximum recursion depth exceeded while recomputing fields');
        const [key, ids] = this.pending.entries().next().value as [string, Set<number>];
        this.pending.delete(key);
        const [model, fname] = key.split('\0');
        const info = this.registry.info(model);
        const f = info.fields.get(fname)!;
        const table = this.store.table(model);
        const rows = [...ids].filter((id) => !this.protectedVals.has(`${model}\0${fname}\0${id}`)).map((id) => table.rows.get(id)).filter((r): r is Row => !!r);
        if (!rows.length) continue;
        const env = this.env(SUPERUSER_ID, {}, true);
        const values = f.compute!(env, rows);
        const changed: number[] = [];
        const now = this.now();
        rows.forEach((row, i) => {
          const v = convertComputed(f, values[i]);
          const cur = table.rows.get(row.id)!;
          if (sameValue(cur[fname], v)) return;
          const next: Record<string, unknown> = { ...cur, [fname]: v };
          if (info.logAccess) {
            next.write_date = now;
            next.write_uid = this.txUid ?? SUPERUSER_ID;
          }
          this.store.put(model, next as Row);
          changed.push(row.id);
        });
        if (changed.length) this.modified(model, changed, [fname]);
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Run an ORM operation: nested operations defer recomputation and checks (required fields,
   * constraints) to the end of the outermost one, like Odoo's flush.
   */
  operation<T>(fn: () => T): T {
    this.depth++;
    let r: T;
    try {
      r = fn();
      if (this.depth === 1) {
        this.flush0();
        while (this.checks.length) {
          const c = this.checks.shift()!;
          const m = this.env(SUPERUSER_ID, {}, true).model(c.model);
          m.checkRequired(c.ids, c.fields);
          m.runConstraints(c.ids, c.fields);
          this.flush0();
        }
      }
    } catch (e) {
      if (this.depth === 1) this.clearPending();
      throw e;
    } finally {
      this.depth--;
      if (this.depth === 0) this.protectedVals.clear();
    }
    return r;
  }

  private checks: Array<{ model: string; ids: number[]; fields: Set<string> | null }> = [];

  queueCheck(model: string, ids: number[], fields: Set<string> | null): void {
    this.checks.push({ model, ids, fields });
  }

  queueRecompute(model: string, field: string, ids: number[]): void {
    const key = `${model}\0${field}`;
    const set = this.pending.get(key) ?? new Set<number>();
    for (const id of ids) set.add(id);
    this.pending.set(key, set);
  }

  protect(model: string, field: string, id: number): void {
    this.protectedVals.add(`${model}\0${field}\0${id}`);
  }

  reverseMany2one(model: string): FieldInfo[] {
    return this.reverseM2o.get(model) ?? [];
  }

  reverseMany2many(model: string): FieldInfo[] {
    return this.reverseM2m.get(model) ?? [];
  }

  clearPending(): void {
    this.pending.clear();
    this.protectedVals.clear();
    this.checks = [];
  }

  /** After a failed call: forget everything queued (the store itself is rolled back by the caller). */
  resetPending(): void {
    this.clearPending();
    this.depth = 0;
    this.flushing = false;
  }
}

/** Per-env cache of computed values: "model\0field" -> id -> value. */
type ComputeCache = Map<string, Map<number, unknown>>;

export class EnvImpl implements Env {
  readonly core: OrmCore;
  readonly uid: number;
  readonly context: Readonly<Context>;
  readonly su: boolean;
  /** The model a builtin method runs on (set by the dispatcher). */
  currentModel: string | null = null;
  private models = new Map<string, ModelApiImpl>();
  private cache: ComputeCache = new Map();
  private cacheGen = -1;

  constructor(core: OrmCore, uid: number, context: Context, su: boolean) {
    this.core = core;
    this.uid = uid;
    this.context = context;
    this.su = su;
  }

  get version(): OdooVersion {
    return this.core.version;
  }

  get registry(): RegistryImpl {
    return this.core.registry;
  }

  now(): string {
    return this.core.now();
  }

  today(): string {
    return this.core.now().slice(0, 10);
  }

  model(name: string): ModelApiImpl {
    let m = this.models.get(name);
    if (!m) {
      m = new ModelApiImpl(this, this.core.info(name));
      this.models.set(name, m);
    }
    return m;
  }

  sudo(): EnvImpl {
    return this.su ? this : new EnvImpl(this.core, this.uid, this.context as Context, true);
  }

  withContext(extra: Context): EnvImpl {
    return new EnvImpl(this.core, this.uid, { ...this.context, ...extra }, this.su);
  }

  withUser(uid: number): EnvImpl {
    return new EnvImpl(this.core, uid, this.context as Context, false);
  }

  user(): UserInfo {
    return this.core.userInfo(this.uid);
  }

  hasGroup(xmlid: string): boolean {
    return this.core.userInfo(this.uid).groups.has(xmlid);
  }

  fieldName(model: string, declaredName: string): string {
    return this.core.info(model).declared.get(declaredName) ?? declaredName;
  }

  nextSequence(code: string, prefix: string, padding: number): string {
    const store = this.core.store;
    const n = ((store.sequences.get(code) as number | undefined) ?? 0) + 1;
    store.setKv(store.sequences, code, n);
    const now = this.now();
    const p = prefix
      .replace(/%\(year\)s/g, now.slice(0, 4)).replace(/%\(y\)s/g, now.slice(2, 4))
      .replace(/%\(month\)s/g, now.slice(5, 7)).replace(/%\(day\)s/g, now.slice(8, 10));
    return p + String(n).padStart(padding, '0');
  }

  ref(xmlid: string): number | false {
    const r = this.core.store.xmlids.get(xmlid) as [string, number] | undefined;
    if (!r) return false;
    return this.core.store.table(r[0]).rows.has(r[1]) ? r[1] : false;
  }

  setRef(xmlid: string, model: string, id: number): void {
    this.core.store.setKv(this.core.store.xmlids, xmlid, [model, id]);
  }

  get activeTest(): boolean {
    return this.context.active_test !== false;
  }

  computeCache(): ComputeCache {
    if (this.cacheGen !== this.core.store.generation) {
      this.cache = new Map();
      this.cacheGen = this.core.store.generation;
    }
    return this.cache;
  }

  /** Value of a field for a row in load=null read shape (numbers unset = null). */
  value(info: ModelInfo, row: Row, f: FieldInfo, batch?: Row[] | (() => Row[])): unknown {
    if (f.name === 'id') return row.id;
    if (f.stored) {
      const v = row[f.name];
      return v === undefined ? emptyStored(f) : v;
    }
    if (f.relatedPath) return this.relatedValue(info, row, f.relatedPath);
    if (f.type === 'one2many' && !f.computed) return this.core.x2manyIds(info, row, f);
    if (f.name === 'display_name' && f.magic) return this.displayNames(info, [row])[0];
    if (!f.compute) return emptyStored(f);
    const key = `${info.name}\0${f.name}`;
    const cache = this.computeCache();
    let m = cache.get(key);
    if (!m) {
      m = new Map();
      cache.set(key, m);
    }
    if (!m.has(row.id)) {
      const all = typeof batch === 'function' ? batch() : batch ?? [row];
      const rows = all.filter((r) => !m!.has(r.id));
      if (!rows.some((r) => r.id === row.id)) rows.push(row);
      const vals = f.compute(this.sudoForCompute(), rows);
      rows.forEach((r, i) => m!.set(r.id, convertComputed(f, vals[i])));
    }
    return m.get(row.id);
  }

  private sudoEnv: EnvImpl | null = null;
  private sudoForCompute(): EnvImpl {
    if (!this.sudoEnv) this.sudoEnv = this.su ? this : new EnvImpl(this.core, this.uid, this.context as Context, true);
    return this.sudoEnv;
  }

  relatedValue(info: ModelInfo, row: Row, path: string[]): unknown {
    let model = info;
    let cur: Row | undefined = row;
    for (let i = 0; i < path.length; i++) {
      const f = model.fields.get(path[i]);
      if (!f) throw new Error(`${info.name}: related path ${path.join('.')} is invalid`);
      if (i === path.length - 1) return cur ? this.value(model, cur, f) : emptyStored(f);
      if (!cur) continue;
      let next: unknown = this.value(model, cur, f);
      if (Array.isArray(next)) next = next[0] ?? false;
      model = this.core.registry.info(f.relation!);
      cur = typeof next === 'number' ? this.core.store.table(model.name).rows.get(next) : undefined;
    }
    return false;
  }

  displayNames(info: ModelInfo, rows: Row[]): string[] {
    if (info.displayName) return info.displayName(this.sudoForCompute(), rows);
    const rf = info.recName ? info.fields.get(info.recName) : undefined;
    if (!rf) return rows.map((r) => `${info.name},${r.id}`);
    return rows.map((r) => {
      const v = this.value(info, r, rf, rows);
      if (rf.type === 'many2one') {
        if (typeof v !== 'number') return '';
        const co = this.core.registry.info(rf.relation!);
        const target = this.core.store.table(co.name).rows.get(v);
        return target ? this.displayNames(co, [target])[0] : '';
      }
      return v === false || v === null || v === undefined ? '' : String(v);
    });
  }

  private hostCache: DomainHost | null = null;
  private comparators = new Map<string, (a: Row, b: Row) => number>();

  host(): DomainHost {
    if (!this.hostCache) this.hostCache = this.makeHost();
    return this.hostCache;
  }

  /** Comparator for a model's order spec, cached per env. */
  orderComparator(info: ModelInfo, terms: OrderTerm[]): (a: Row, b: Row) => number {
    const key = `${info.name}\0${terms.map((t) => `${t.field} ${t.desc ? 'd' : 'a'} ${t.nulls ?? ''}`).join(',')}`;
    let c = this.comparators.get(key);
    if (!c) {
      c = this.comparator(info, terms);
      this.comparators.set(key, c);
    }
    return c;
  }

  private makeHost(): DomainHost {
    const env = this;
    const core = this.core;
    const infos = new Map<string, ModelInfo>();
    const infoOf = (m: string): ModelInfo => {
      let i = infos.get(m);
      if (!i) {
        i = core.registry.info(m);
        infos.set(m, i);
      }
      return i;
    };
    const tables = new Map<string, Map<number, Row>>();
    const rowsOf = (m: string): Map<number, Row> => {
      let t = tables.get(m);
      if (!t) {
        t = core.store.table(m).rows;
        tables.set(m, t);
      }
      return t;
    };
    return {
      version: core.version,
      activeTest: env.activeTest,
      info: infoOf,
      row: (m, id) => rowsOf(m).get(id),
      allRows: (m) => rowsOf(m).values(),
      value: (m, row, f) => {
        if (f.stored) {
          const v = row[f.name];
          return v === undefined ? emptyStored(f) : v;
        }
        const info = infoOf(m);
        if (f.compute && !f.relatedPath && !(f.name === 'display_name' && f.magic)) {
          return env.value(info, row, f, () => [...rowsOf(m).values()]);
        }
        return env.value(info, row, f);
      },
      lookup: (m, field, value) => core.store.lookup(m, field, value),
      x2many: (m, row, f) => {
        const info = infoOf(m);
        if (f.computed) return (env.value(info, row, f) as number[]) ?? [];
        return core.x2manyIds(info, row, f);
      },
      searchIds: (m, domain, activeTest) => new Set(env.withContext({ active_test: activeTest }).sudo().model(m).search(domain)),
      nameSearchIds: (m, operator, value) => {
        const info = core.registry.info(m);
        const sudo = env.withContext({ active_test: false }).sudo();
        if (!info.nameFields.length) {
          const p = compile(sudo.host(), info, parseDomain([['display_name', operator, value]], core.version));
          return new Set([...core.store.table(m).rows.values()].filter(p).map((r) => r.id));
        }
        return new Set(sudo.model(m).search(nameDomain(info.nameFields, operator, value)));
      },
      computedSearch: (m, f, operator, value) => f.search!(env, operator, value),
    };
  }

  /** Row comparator for an order spec (many2one fields order by the comodel's order). */
  comparator(info: ModelInfo, terms: OrderTerm[], depth = 0): (a: Row, b: Row) => number {
    const parts = terms.map((t) => {
      const segs = t.field.split('.');
      const f = info.fields.get(segs[0]);
      if (!f) throw new PythonError('ValueError', `Invalid field '${t.field}' on model '${info.name}'`);
      const dir = t.desc ? -1 : 1;
      const nullsFirst = t.nulls ? t.nulls === 'first' : t.desc;
      let key: (r: Row) => unknown;
      let cmpVals: (a: unknown, b: unknown) => number = compareScalars;
      if (f.type === 'many2one' && depth < 3) {
        const co = this.core.registry.info(f.relation!);
        const coCmp = segs.length > 1
          ? this.comparator(co, [{ field: segs.slice(1).join('.'), desc: false }], depth + 1)
          : this.comparator(co, co.order, depth + 1);
        const table = this.core.store.table(co.name);
        key = (r) => this.value(info, r, f);
        cmpVals = (a, b) => {
          const ra = table.rows.get(a as number);
          const rb = table.rows.get(b as number);
          if (!ra || !rb) return compareScalars(a, b);
          return coCmp(ra, rb);
        };
      } else {
        key = (r) => (f.name === 'id' ? r.id : this.value(info, r, f));
      }
      return (a: Row, b: Row) => {
        const va = key(a);
        const vb = key(b);
        const na = va === null || va === undefined || va === false && f.type !== 'boolean';
        const nb = vb === null || vb === undefined || vb === false && f.type !== 'boolean';
        if (na || nb) {
          if (na && nb) return 0;
          return na ? (nullsFirst ? -1 : 1) : nullsFirst ? 1 : -1;
        }
        return dir * cmpVals(va, vb);
      };
    });
    return (a, b) => {
      for (const p of parts) {
        const c = p(a, b);
        if (c) return c;
      }
      return 0;
    };
  }
}

const NEGATIVE_OPS = new Set(['!=', 'not like', 'not ilike', 'not =like', 'not =ilike', 'not in']);

/** (f1 op v) OR (f2 op v) ... for positive operators; AND of the negations for negative ones. */
export function nameDomain(fields: string[], operator: string, value: unknown): unknown[] {
  const out: unknown[] = [];
  const join = NEGATIVE_OPS.has(operator) ? '&' : '|';
  for (let i = 1; i < fields.length; i++) out.push(join);
  for (const f of fields) out.push([f, operator, value]);
  return out;
}

function compareScalars(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

export class ModelApiImpl implements ModelApi {
  readonly env: EnvImpl;
  readonly info: ModelInfo;

  constructor(env: EnvImpl, info: ModelInfo) {
    this.env = env;
    this.info = info;
  }

  get name(): string {
    return this.info.name;
  }

  get def(): ModelDef {
    return this.info.def;
  }

  private get core(): OrmCore {
    return this.env.core;
  }

  private get table() {
    return this.core.store.table(this.info.name);
  }

  field(name: string): FieldInfo {
    const f = this.info.fields.get(name);
    if (!f) throw new PythonError('ValueError', `Invalid field ${pyRepr(name)} on model ${pyRepr(this.info.name)}`);
    return f;
  }

  row(id: number): Row | undefined {
    return this.table.rows.get(id);
  }

  rows(ids: number[]): Row[] {
    const t = this.table.rows;
    const out: Row[] = [];
    for (const id of ids) {
      const r = t.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  get(id: number, field: string): unknown {
    const row = this.row(id);
    if (!row) throw this.core.missing(this.info, [id], this.env.uid);
    const f = this.field(field);
    return readScalar(f, this.env.value(this.info, row, f));
  }

  exists(ids: number[]): number[] {
    return ids.filter((id) => this.table.rows.has(id));
  }

  browse(ids: number[]): Recordset {
    return new Recordset(this.info.name, ids);
  }

  displayNames(ids: number[]): string[] {
    return this.env.displayNames(this.info, this.rows(ids));
  }

  checkAccess(perm: Perm): void {
    this.core.checkModelAccess(this.env, this.info, perm);
  }

  ensureExist(ids: number[]): Row[] {
    const rows: Row[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const r = typeof id === 'number' ? this.table.rows.get(id) : undefined;
      if (r) rows.push(r);
      else missing.push(id);
    }
    if (missing.length) throw this.core.missing(this.info, missing, this.env.uid);
    return rows;
  }

  // ------------------------------------------------------------ search

  search(domain: Domain, options: SearchOptions = {}): number[] {
    this.checkAccess('read');
    return this.searchRows(domain, options).map((r) => r.id);
  }

  searchRows(domain: Domain, options: SearchOptions = {}): Row[] {
    const info = this.info;
    const tree = parseDomain(domain, this.core.version);
    const activeTest = info.hasActive && this.env.activeTest && !leafFields(tree).some((p) => p === 'active');
    const pred = compile(this.env.host(), info, tree);
    let candidates: Iterable<Row>;
    const ids = idCandidates(tree);
    if (ids) candidates = this.rows([...new Set(ids)].sort((a, b) => a - b));
    else {
      const idx = indexCandidates(tree, info);
      if (idx) {
        const set = new Set<number>();
        for (const v of idx.values) for (const id of this.core.store.lookup(info.name, idx.field, v)) set.add(id);
        candidates = this.rows([...set].sort((a, b) => a - b));
      } else candidates = this.table.rows.values();
    }
    let out: Row[] = [];
    for (const r of candidates) {
      if (activeTest && r.active === false) continue;
      if (pred(r)) out.push(r);
    }
    const order = options.order;
    let terms: OrderTerm[];
    try {
      terms = order ? parseOrder(String(order), info.name, info.fields) : info.order;
    } catch (e) {
      if (e instanceof OrderError) throw new PythonError('ValueError', e.message);
      throw e;
    }
    if (!(terms.length === 1 && terms[0].field === 'id' && !terms[0].desc)) {
      if (terms.length === 1 && terms[0].field === 'id') out.reverse();
      else out.sort(this.env.orderComparator(info, terms));
    }
    const offset = Number(options.offset ?? 0) || 0;
    // Odoo: a falsy limit (None, False, 0) means no limit
    const limit = options.limit ? Number(options.limit) : null;
    if (offset || limit !== null) out = out.slice(offset, limit !== null ? offset + limit : undefined);
    return out;
  }

  searchCount(domain: Domain, limit?: number | null): number {
    this.checkAccess('read');
    const n = this.searchRows(domain).length;
    return limit ? Math.min(n, limit) : n;
  }

  // ------------------------------------------------------------ read

  /** Fields read when none are asked: all fields the user may see. */
  defaultReadFields(): FieldInfo[] {
    return this.info.fieldList.filter((f) => f.name !== 'id' && this.core.canAccessField(this.env, f));
  }

  resolveReadFields(fields: string[] | null | undefined): FieldInfo[] {
    if (fields === null || fields === undefined || (Array.isArray(fields) && fields.length === 0) || (fields as unknown) === false) {
      return this.defaultReadFields();
    }
    const list = typeof fields === 'string' ? [fields] : fields;
    if (!Array.isArray(list)) throw new PythonError('TypeError', `'${typeof fields}' object is not iterable`);
    const out: FieldInfo[] = [];
    for (const name of list) {
      if (name === 'id') continue;
      out.push(this.field(String(name)));
    }
    this.core.checkFieldAccess(this.env, this.info, out, 'read');
    return out;
  }

  read(ids: number[], fields?: string[] | null, load: string | null = '_classic_read'): Record<string, unknown>[] {
    this.checkAccess('read');
    const fl = this.resolveReadFields(fields);
    const rows = this.ensureExist(ids);
    return this.readRows(rows, fl, load);
  }

  readRows(rows: Row[], fl: FieldInfo[], load: string | null = '_classic_read'): Record<string, unknown>[] {
    const classic = load === '_classic_read';
    const env = this.env;
    const info = this.info;
    const result: Record<string, unknown>[] = rows.map((r) => ({ id: r.id }));
    for (const f of fl) {
      if (f.name === 'display_name' && f.magic && !info.displayName && info.recName && info.fields.get(info.recName)!.type !== 'many2one') {
        const rf = info.fields.get(info.recName)!;
        rows.forEach((r, i) => {
          const v = env.value(info, r, rf, rows);
          result[i].display_name = v === false || v === null || v === undefined ? '' : String(v);
        });
        continue;
      }
      if (f.name === 'display_name' && f.magic) {
        const names = env.displayNames(info, rows);
        rows.forEach((_r, i) => (result[i].display_name = names[i]));
        continue;
      }
      if (f.type === 'many2one') {
        const co = this.core.registry.info(f.relation!);
        const names = new Map<number, string>();
        const values = rows.map((r) => env.value(info, r, f, rows));
        if (classic) {
          const needed = [...new Set(values.filter((v): v is number => typeof v === 'number'))];
          const coRows = needed.map((id) => this.core.store.table(co.name).rows.get(id)).filter((r): r is Row => !!r);
          const dn = env.displayNames(co, coRows);
          coRows.forEach((r, i) => names.set(r.id, dn[i]));
        }
        values.forEach((v, i) => {
          result[i][f.name] = typeof v === 'number' ? (classic ? [v, names.get(v) ?? ''] : v) : false;
        });
        continue;
      }
      if (f.type === 'one2many' || f.type === 'many2many') {
        const co = this.core.registry.info(f.relation!);
        const filter = co.hasActive && env.activeTest;
        const coTable = this.core.store.table(co.name).rows;
        rows.forEach((r, i) => {
          let ids = f.stored ? this.core.x2manyIds(info, r, f) : (env.value(info, r, f, rows) as number[]) ?? [];
          if (filter) ids = ids.filter((id) => coTable.get(id)?.active !== false);
          result[i][f.name] = ids.slice();
        });
        continue;
      }
      rows.forEach((r, i) => {
        result[i][f.name] = readScalar(f, env.value(info, r, f, rows));
      });
    }
    return result;
  }

  searchRead(domain: Domain, fields?: string[] | null, options: SearchOptions = {}, load: string | null = '_classic_read'): Record<string, unknown>[] {
    this.checkAccess('read');
    const fl = this.resolveReadFields(fields);
    const rows = this.searchRows(domain ?? [], options);
    if (!rows.length) return [];
    return this.readRows(rows, fl, load);
  }

  // ------------------------------------------------------------ create

  create(vals: Vals): number {
    return this.createMulti([vals])[0];
  }

  createMulti(valsList: Vals[]): number[] {
    this.checkAccess('create');
    return this.core.operation(() => valsList.map((vals) => this.createOne(vals)));
  }

  private checkKeys(vals: Vals): void {
    if (vals === null || typeof vals !== 'object' || Array.isArray(vals)) {
      throw new PythonError('TypeError', `'${Array.isArray(vals) ? 'list' : typeof vals}' object is not a mapping`);
    }
    for (const k of Object.keys(vals)) {
      if (!this.info.fields.has(k)) throw new PythonError('ValueError', `Invalid field ${pyRepr(k)} on model ${pyRepr(this.info.name)}`);
    }
  }

  defaultValue(f: FieldInfo, vals: Vals): { has: boolean; value?: unknown } {
    const ckey = `default_${f.name}`;
    if (Object.prototype.hasOwnProperty.call(this.env.context, ckey)) return { has: true, value: this.env.context[ckey] };
    if (f.default === undefined) return { has: false };
    const value = typeof f.default === 'function' ? (f.default as (env: Env, vals: Vals) => unknown)(this.env, vals) : f.default;
    return { has: true, value };
  }

  private createOne(vals0: Vals): number {
    const info = this.info;
    const core = this.core;
    this.checkKeys(vals0);
    const vals: Vals = { ...vals0 };
    // defaults (context default_* first), for fields not given
    for (const f of info.fieldList) {
      if (f.magic || f.name in vals || f.relatedPath) continue;
      if (f.computed && !f.inverse && !f.stored) continue;
      const d = this.defaultValue(f, vals);
      if (d.has) vals[f.name] = d.value;
    }
    // delegation inheritance: create the parent record when the link is not given
    for (const [parentModel, link] of Object.entries(info.inherits)) {
      const parentInfo = core.registry.info(parentModel);
      const parentVals: Vals = {};
      for (const k of Object.keys(vals)) {
        const f = info.fields.get(k)!;
        if (f.relatedPath && f.relatedPath[0] === link && f.relatedPath.length === 2 && parentInfo.fields.has(k)) {
          parentVals[k] = vals[k];
          delete vals[k];
        }
      }
      if (isUnset(vals[link])) vals[link] = this.env.model(parentModel).create(parentVals);
      else if (Object.keys(parentVals).length) this.env.model(parentModel).write([convertIn(info.fields.get(link)!, info.name, vals[link]) as number], parentVals);
    }
    const id = core.store.allocId(info.name);
    const row: Record<string, unknown> = { id };
    const later: Array<[FieldInfo, unknown]> = [];
    for (const f of info.storedFields) {
      if (f.name === 'id') continue;
      if (f.type === 'many2many') {
        row[f.name] = [];
        if (f.name in vals) later.push([f, vals[f.name]]);
        continue;
      }
      if (f.computed) {
        if (f.name in vals) {
          row[f.name] = convertIn(f, info.name, vals[f.name]);
          core.protect(info.name, f.name, id);
        } else row[f.name] = emptyStored(f);
        continue;
      }
      row[f.name] = f.name in vals ? convertIn(f, info.name, vals[f.name]) : emptyStored(f);
    }
    for (const f of info.fieldList) {
      if (f.stored || f.magic || !(f.name in vals)) continue;
      later.push([f, vals[f.name]]);
    }
    const now = core.now();
    if (info.logAccess) {
      row.create_uid = typeof vals.create_uid === 'number' ? vals.create_uid : this.env.uid;
      row.write_uid = typeof vals.write_uid === 'number' ? vals.write_uid : this.env.uid;
      row.create_date = typeof vals.create_date === 'string' ? convertIn(info.fields.get('create_date')!, info.name, vals.create_date) : now;
      row.write_date = typeof vals.write_date === 'string' ? convertIn(info.fields.get('write_date')!, info.name, vals.write_date) : now;
    }
    for (const f of info.storedFields) {
      if (f.sequence && f.type === 'char') {
        const v = row[f.name];
        if (isUnset(v) || v === (f.sequence.placeholder ?? 'New')) {
          row[f.name] = this.env.nextSequence(f.sequence.code, f.sequence.prefix, f.sequence.padding);
        }
      }
    }
    this.checkForeignKeys(row);
    core.store.put(info.name, row as Row);
    // x2many commands, related and inverse writes
    for (const [f, v] of later) this.applyNonStored(f, [id], v, true);
    // stored computes of the new record, then whatever depends on it
    for (const f of info.storedFields) {
      if (f.computed && !(f.name in vals)) core.queueRecompute(info.name, f.name, [id]);
    }
    core.modified(info.name, [id], info.fieldList.map((f) => f.name));
    this.inverseModified(row as Row, undefined);
    core.queueCheck(info.name, [id], null);
    return id;
  }

  /** many2one changes modify the one2many on the other side (old and new targets). */
  private inverseModified(after: Row | undefined, before: Row | undefined): void {
    for (const f of this.info.storedFields) {
      if (f.type !== 'many2one') continue;
      const a = after?.[f.name];
      const b = before?.[f.name];
      if (after && before && a === b) continue;
      const co = this.core.registry.info(f.relation!);
      const o2ms = co.fieldList.filter((x) => x.type === 'one2many' && x.relation === this.info.name && x.inverseName === f.name).map((x) => x.name);
      if (!o2ms.length) continue;
      const targets = [a, b].filter((x): x is number => typeof x === 'number');
      this.core.modified(co.name, targets.filter((t) => this.core.store.table(co.name).rows.has(t)), o2ms);
    }
  }

  private checkForeignKeys(row: Record<string, unknown>): void {
    for (const f of this.info.storedFields) {
      if (f.type !== 'many2one' || f.magic) continue;
      const v = row[f.name];
      if (typeof v === 'number' && !this.core.store.table(f.relation!).rows.has(v)) {
        throw this.core.fkError(this.info, f);
      }
    }
  }

  checkRequired(ids: number[], fields: Set<string> | null): void {
    for (const f of this.info.fieldList) {
      if (!f.required || !f.stored || (fields && !fields.has(f.name)) || f.type === 'boolean') continue;
      for (const id of ids) {
        const r = this.row(id);
        if (!r) continue;
        const v = r[f.name];
        if (v === null || v === undefined || v === false || (Array.isArray(v) && false)) throw this.core.requiredError(this.info, f);
      }
    }
  }

  runConstraints(ids: number[], fields: Set<string> | null): void {
    const existing = ids.filter((id) => this.table.rows.has(id));
    if (!existing.length) return;
    for (const u of this.info.unique) {
      if (fields && !u.fields.some((f) => fields.has(f))) continue;
      const seen = new Map<string, number>();
      for (const r of this.table.rows.values()) {
        const vals = u.fields.map((f) => r[f]);
        if (vals.some((v) => v === false || v === null || v === undefined)) continue;
        const key = JSON.stringify(vals);
        const prev = seen.get(key);
        if (prev !== undefined && (existing.includes(r.id) || existing.includes(prev))) {
          throw new ValidationError(this.core.version >= 18 ? u.message : `The operation cannot be completed: ${u.message}`);
        }
        seen.set(key, r.id);
      }
    }
    for (const c of this.info.constraints) {
      if (fields && !c.fields.some((f) => fields.has(f))) continue;
      c.check(this.env.sudo(), existing);
    }
  }

  /** x2many commands, related fields and inverse functions. */
  private applyNonStored(f: FieldInfo, ids: number[], value: unknown, isCreate: boolean): void {
    if (f.relatedPath) {
      this.writeRelated(f, ids, value);
      return;
    }
    if (f.computed && !f.stored) {
      if (f.inverse) f.inverse(this.env, ids, value);
      return;
    }
    if (f.type === 'one2many' || f.type === 'many2many') {
      for (const id of ids) this.applyCommands(f, id, value, isCreate);
    }
  }

  private writeRelated(f: FieldInfo, ids: number[], value: unknown): void {
    const path = f.relatedPath!;
    const byTarget = new Map<number, number>();
    let model = this.info;
    let current = ids.map((id) => this.row(id)).filter((r): r is Row => !!r);
    for (let i = 0; i < path.length - 1; i++) {
      const lf = model.fields.get(path[i])!;
      const co = this.core.registry.info(lf.relation!);
      const next: Row[] = [];
      for (const r of current) {
        let v = this.env.value(model, r, lf);
        if (Array.isArray(v)) v = v[0];
        if (typeof v === 'number') {
          const t = this.core.store.table(co.name).rows.get(v);
          if (t) next.push(t);
        }
      }
      model = co;
      current = next;
    }
    for (const r of current) byTarget.set(r.id, r.id);
    if (byTarget.size) this.env.model(model.name).write([...byTarget.keys()], { [path[path.length - 1]]: value });
  }

  private applyCommands(f: FieldInfo, id: number, value: unknown, isCreate: boolean): void {
    const core = this.core;
    const co = this.env.model(f.relation!);
    let commands: unknown[];
    if (value === false || value === null || value === undefined) commands = [[5, 0, 0]];
    else if (!Array.isArray(value)) throw new PythonError('ValueError', `Wrong value for ${this.info.name}.${f.name}: ${pyRepr(value)}`);
    else if (value.length && value.every((x) => typeof x === 'number')) commands = [[6, 0, value]];
    else commands = value;
    const isO2m = f.type === 'one2many';
    const inverse = f.inverseName!;
    const current = (): number[] => {
      const row = this.row(id)!;
      return core.x2manyIds(this.info, row, f);
    };
    let m2m: number[] | null = isO2m ? null : [...((this.row(id)![f.name] as number[]) ?? [])];
    const unlinkO2m = (cid: number) => {
      const invField = co.info.fields.get(inverse)!;
      if (invField.ondelete === 'cascade' || invField.required) co.sudoUnlink([cid]);
      else co.write([cid], { [inverse]: false });
    };
    for (const cmd of commands) {
      if (!Array.isArray(cmd) || typeof cmd[0] !== 'number') {
        throw new PythonError('ValueError', `Wrong value for ${this.info.name}.${f.name}: ${pyRepr(value)}`);
      }
      const [code, cid, cvals] = cmd as [number, number, unknown];
      switch (code) {
        case 0: {
          if (isO2m) co.create({ ...(cvals as Vals), [inverse]: id });
          else m2m!.push(co.create((cvals ?? {}) as Vals));
          break;
        }
        case 1:
          co.write([cid], (cvals ?? {}) as Vals);
          break;
        case 2:
          if (!isO2m) m2m = m2m!.filter((x) => x !== cid);
          if (co.exists([cid]).length) co.unlink([cid]);
          break;
        case 3:
          if (isO2m) {
            if (current().includes(cid)) unlinkO2m(cid);
          } else m2m = m2m!.filter((x) => x !== cid);
          break;
        case 4:
          if (isO2m) co.write([cid], { [inverse]: id });
          else if (!m2m!.includes(cid)) m2m!.push(cid);
          break;
        case 5:
          if (isO2m) for (const c of current()) unlinkO2m(c);
          else m2m = [];
          break;
        case 6: {
          const ids = Array.isArray(cvals) ? (cvals as number[]) : [];
          if (isO2m) {
            for (const c of current()) if (!ids.includes(c)) unlinkO2m(c);
            const cur = new Set(current());
            const toLink = ids.filter((x) => !cur.has(x));
            if (toLink.length) co.write(toLink, { [inverse]: id });
          } else m2m = [...new Set(ids)];
          break;
        }
        default:
          throw new PythonError('ValueError', `Wrong value for ${this.info.name}.${f.name}: ${pyRepr(value)}`);
      }
    }
    if (!isO2m && m2m) {
      for (const x of m2m) {
        if (typeof x !== 'number' || !core.store.table(f.relation!).rows.has(x)) throw core.fkError(this.info, f);
      }
      const row = this.row(id)!;
      const next = [...new Set(m2m)];
      if (!sameValue(row[f.name], next)) {
        core.store.put(this.info.name, { ...row, [f.name]: next } as Row);
        core.modified(this.info.name, [id], [f.name]);
      }
    }
    void isCreate;
  }

  // ------------------------------------------------------------ write

  write(ids: number[], vals: Vals): true {
    this.checkAccess('write');
    this.checkKeys(vals);
    const rows = this.ensureExist(ids);
    this.core.checkFieldAccess(this.env, this.info, Object.keys(vals).map((k) => this.info.fields.get(k)!), 'write');
    this.core.operation(() => {
      this.writeRows(rows, vals);
      this.core.queueCheck(this.info.name, ids, new Set(Object.keys(vals)));
    });
    return true;
  }

  private writeRows(rows: Row[], vals: Vals): void {
    const info = this.info;
    const core = this.core;
    const changes: Record<string, unknown> = {};
    const later: Array<[FieldInfo, unknown]> = [];
    for (const [k, v] of Object.entries(vals)) {
      const f = info.fields.get(k)!;
      if (k === 'id') continue;
      if (f.stored && f.type !== 'many2many') {
        changes[k] = convertIn(f, info.name, v);
        if (f.computed) for (const r of rows) core.protect(info.name, k, r.id);
      } else later.push([f, v]);
    }
    const now = core.now();
    if (info.logAccess) {
      if (!('write_uid' in changes)) changes.write_uid = this.env.uid;
      if (!('write_date' in changes)) changes.write_date = now;
    }
    this.checkForeignKeys(changes);
    for (const f of info.storedFields) {
      if (f.required && f.name in changes && f.type !== 'boolean' && isUnset(changes[f.name])) throw core.requiredError(info, f);
    }
    const ids = rows.map((r) => r.id);
    for (const r of rows) {
      const before = core.store.table(info.name).rows.get(r.id)!;
      const next = { ...before, ...changes } as Row;
      core.store.put(info.name, next);
      this.inverseModified(next, before);
    }
    core.modified(info.name, ids, Object.keys(changes));
    for (const [f, v] of later) this.applyNonStored(f, ids, v, false);
    if (later.length) core.modified(info.name, ids, later.map(([f]) => f.name));
  }

  // ------------------------------------------------------------ unlink

  unlink(ids: number[]): true {
    this.checkAccess('unlink');
    const rows = this.ensureExist(ids);
    this.core.operation(() => this.unlinkRows(rows));
    return true;
  }

  sudoUnlink(ids: number[]): void {
    const rows = this.rows(ids);
    this.core.operation(() => this.unlinkRows(rows));
  }

  private unlinkRows(rows: Row[]): void {
    const core = this.core;
    const info = this.info;
    const ids = new Set(rows.map((r) => r.id));
    if (!ids.size) return;
    for (const f of core.reverseMany2one(info.name)) {
      const refInfo = core.registry.info(f.model);
      const refIds = new Set<number>();
      for (const id of ids) for (const rid of core.store.lookup(f.model, f.name, id)) refIds.add(rid);
      if (f.model === info.name) for (const id of ids) refIds.delete(id);
      if (!refIds.size) continue;
      if (f.ondelete === 'restrict') {
        throw new ValidationError(
          'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
            `Model: ${refInfo.description} (${refInfo.name})\nConstraint: ${refInfo.name.replace(/\./g, '_')}_${f.name}_fkey\n`,
        );
      }
      const sudoRef = this.env.sudo().model(f.model);
      if (f.ondelete === 'cascade') sudoRef.sudoUnlink([...refIds]);
      else {
        for (const rid of refIds) {
          const r = core.store.table(f.model).rows.get(rid);
          if (!r) continue;
          core.store.put(f.model, { ...r, [f.name]: false } as Row);
        }
        core.modified(f.model, [...refIds], [f.name]);
      }
    }
    for (const f of core.reverseMany2many(info.name)) {
      const changed: number[] = [];
      for (const r of core.store.table(f.model).rows.values()) {
        const list = r[f.name] as number[] | undefined;
        if (list && list.some((x) => ids.has(x))) {
          core.store.put(f.model, { ...r, [f.name]: list.filter((x) => !ids.has(x)) } as Row);
          changed.push(r.id);
        }
      }
      core.modified(f.model, changed, [f.name]);
    }
    for (const r of rows) {
      if (!core.store.table(info.name).rows.has(r.id)) continue;
      core.store.delete(info.name, r.id);
      this.inverseModified(undefined, r);
    }
    // xmlids pointing to deleted records are left dangling (ref() checks existence) as Odoo's ir.model.data would be cleaned
  }

  // ------------------------------------------------------------ misc

  call(method: string, ids: number[] | null, args: Record<string, unknown> = {}): unknown {
    const m = this.info.methods.get(method) ?? builtinMethod(this.core.version, method);
    if (!m) throw new PythonError('AttributeError', `The method '${this.info.name}.${method}' does not exist`);
    const env = new EnvImpl(this.core, this.env.uid, this.env.context as Context, this.env.su);
    env.currentModel = this.info.name;
    if (m.checkAccess) this.checkAccess(m.checkAccess);
    if (m.kind === 'records') this.ensureExist(ids ?? []);
    return this.core.operation(() => m.impl(env, m.kind === 'records' ? ids ?? [] : null, fillDefaults(m, args)));
  }

  nameSearch(name: string, domain: Domain = [], operator = 'ilike', limit: number | null = 100): Array<[number, string]> {
    this.checkAccess('read');
    let d: unknown[] = [...(domain ?? [])];
    const fields = this.info.nameFields.length ? this.info.nameFields : ['display_name'];
    if (!(name === '' && (operator === 'ilike' || operator === 'like'))) {
      const nd = nameDomain(fields, operator, name);
      d = d.length ? ['&', ...andAll(d), ...nd] : nd;
    }
    const rows = this.searchRows(d, { limit });
    const names = this.env.displayNames(this.info, rows);
    return rows.map((r, i) => [r.id, names[i]]);
  }

  defaultGet(fields: string[]): Vals {
    const out: Vals = {};
    for (const name of fields ?? []) {
      const f = this.info.fields.get(name);
      if (!f || f.magic) continue;
      const d = this.defaultValue(f, out);
      if (!d.has) continue;
      let v = d.value;
      if (f.type === 'many2many' && Array.isArray(v) && v.every((x) => typeof x === 'number')) v = [[6, 0, v]];
      out[name] = v;
    }
    return out;
  }
}

function fillDefaults(m: import('./schema').MethodDef, args: Record<string, unknown>): Record<string, unknown> {
  const out = { ...args };
  for (const p of m.params) if (typeof p !== 'string' && !(p.name in out)) out[p.name] = p.default;
  return out;
}

/** Late-bound lookup of builtin method definitions (set by builtins.ts to avoid an import cycle). */
let builtinLookup: (version: OdooVersion, name: string) => import('./schema').MethodDef | undefined = () => undefined;
export function setBuiltinLookup(fn: typeof builtinLookup): void {
  builtinLookup = fn;
}
export function builtinMethod(version: OdooVersion, name: string): import('./schema').MethodDef | undefined {
  return builtinLookup(version, name);
}

export { GROUPS };
