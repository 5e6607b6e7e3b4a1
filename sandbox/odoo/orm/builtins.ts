/**
 * The methods every model has (BaseModel's public API over RPC), as MethodDefs with Odoo's
 * Python signatures per version.
 */
import { AccessError, PythonError, UserError } from '../exceptions';
import type { Domain, MethodDef, OdooVersion, Row, Vals } from './schema';
import { Recordset } from './schema';
import type { EnvImpl, ModelApiImpl } from './core';
import { setBuiltinLookup } from './core';
import type { FieldInfo, ModelInfo } from './registry';
import { pyRepr } from './pyrepr';
import { readScalar } from './values';
import { andDomains } from './domain';

type Impl = MethodDef['impl'];

function m(env: Parameters<Impl>[0]): EnvImpl {
  return env as EnvImpl;
}

function api(env: Parameters<Impl>[0], model: string): ModelApiImpl {
  return m(env).model(model);
}

function asDomain(v: unknown): Domain {
  if (v === null || v === undefined || v === false) return [];
  if (!Array.isArray(v)) throw new PythonError('ValueError', `Invalid domain: ${pyRepr(v)}`);
  return v;
}

function asLimit(v: unknown): number | null {
  if (v === null || v === undefined || v === false || v === 0) return null;
  if (typeof v !== 'number') throw new PythonError('TypeError', `'<' not supported between instances of '${typeof v === 'string' ? 'str' : 'list'}' and 'int'`);
  return v;
}

function asFields(v: unknown): string[] | null {
  if (v === null || v === undefined || v === false) return null;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) throw new PythonError('TypeError', `'${typeof v === 'number' ? 'int' : 'dict'}' object is not iterable`);
  return v.map(String);
}

function modelOf(env: Parameters<Impl>[0]): string {
  const name = (env as EnvImpl).currentModel;
  if (!name) throw new Error('builtin method called without a current model');
  return name;
}

function method(def: MethodDef): MethodDef {
  return def;
}

const create = method({
  kind: 'model', params: ['vals_list'], returnsRecordset: true,
  impl: (env, _ids, args) => {
    const v = args.vals_list;
    const list = Array.isArray(v) ? v : [v];
    return new Recordset(modelOf(env), api(env, modelOf(env)).createMulti(list as Vals[]));
  },
});

const read = method({
  kind: 'records', params: [{ name: 'fields', default: null }, { name: 'load', default: '_classic_read' }],
  impl: (env, ids, args) => api(env, modelOf(env)).read(ids!, asFields(args.fields), (args.load as string | null) ?? null),
});

const write = method({
  kind: 'records', params: ['vals'],
  impl: (env, ids, args) => api(env, modelOf(env)).write(ids!, (args.vals ?? {}) as Vals),
});

const unlink = method({
  kind: 'records', params: [],
  impl: (env, ids) => api(env, modelOf(env)).unlink(ids!),
});

const search = method({
  kind: 'model', params: ['domain', { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'order', default: null }],
  returnsRecordset: true,
  impl: (env, _ids, args) =>
    new Recordset(modelOf(env), api(env, modelOf(env)).search(asDomain(args.domain), {
      offset: Number(args.offset) || 0, limit: asLimit(args.limit), order: (args.order as string) || null,
    })),
});

const searchCount = method({
  kind: 'model', params: ['domain', { name: 'limit', default: null }],
  impl: (env, _ids, args) => api(env, modelOf(env)).searchCount(asDomain(args.domain), asLimit(args.limit)),
});

const searchRead = method({
  kind: 'model', varKwargs: true,
  params: [{ name: 'domain', default: null }, { name: 'fields', default: null }, { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'order', default: null }],
  impl: (env, _ids, args) => {
    const extra = Object.keys(args).filter((k) => !['domain', 'fields', 'offset', 'limit', 'order', 'load'].includes(k));
    if (extra.length) throw new PythonError('TypeError', `read() got an unexpected keyword argument '${extra[0]}'`);
    return api(env, modelOf(env)).searchRead(asDomain(args.domain), asFields(args.fields), {
      offset: Number(args.offset) || 0, limit: asLimit(args.limit), order: (args.order as string) || null,
    }, 'load' in args ? ((args.load as string | null) ?? null) : '_classic_read');
  },
});

function nameSearch(domainParam: string): MethodDef {
  return {
    kind: 'model',
    params: [{ name: 'name', default: '' }, { name: domainParam, default: null }, { name: 'operator', default: 'ilike' }, { name: 'limit', default: 100 }],
    impl: (env, _ids, args) => {
      const name = args.name === false || args.name === null ? '' : String(args.name ?? '');
      return api(env, modelOf(env)).nameSearch(name, asDomain(args[domainParam]), String(args.operator ?? 'ilike'), asLimit(args.limit));
    },
  };
}

const nameCreate = method({
  kind: 'model', params: ['name'],
  impl: (env, _ids, args) => {
    const model = api(env, modelOf(env));
    const rec = model.info.recName;
    if (!rec) throw new UserError(`Cannot execute name_create, no _rec_name defined on ${model.name}`);
    const id = model.create({ [rec]: args.name });
    return [id, model.displayNames([id])[0]];
  },
});

export function fieldDescription(env: EnvImpl, info: ModelInfo, f: FieldInfo): Record<string, unknown> {
  const v = env.version;
  const d: Record<string, unknown> = {
    type: f.type,
    string: f.string,
    name: f.name,
    required: !!f.required,
    readonly: !!(f.readonly || (f.computed && !f.inverse && !f.relatedPath && !(f.stored && f.readonly === false)) || f.magic),
    store: f.stored || (f.name === 'id'),
    searchable: f.searchable ?? (f.stored || f.name === 'id' || !!f.relatedPath || !!f.search || (f.type === 'one2many')),
    sortable: f.stored || f.name === 'id',
    manual: false,
    company_dependent: false,
    change_default: false,
    depends: f.depends ?? (f.relatedPath ? [f.relatedPath.join('.')] : []),
    exportable: true,
    translate: !!f.translate,
  };
  d.groupable = (f.stored && !['one2many', 'binary', 'html', 'text'].includes(f.type)) || f.name === 'id';
  if (f.help) d.help = f.help;
  if (f.relation) {
    d.relation = f.relation;
    d.domain = f.domain ?? [];
    d.context = f.context ?? {};
  }
  if (f.type === 'one2many') d.relation_field = f.inverseName;
  if (f.type === 'selection') d.selection = (f.selectionList ?? []).map(([k, l]) => [k, l]);
  if (f.type === 'char' && f.size) d.size = f.size;
  if (f.type === 'char' || f.type === 'text' || f.type === 'html') d.trim = true;
  if (f.type === 'float' && f.digits) d.digits = f.digits;
  if (f.type === 'monetary') d.currency_field = f.currencyField ?? 'currency_id';
  if (f.relatedPath) d.related = f.relatedPath.join('.');
  if (f.groups) d.groups = f.groups;
  const agg = aggregatorOf(f);
  if (agg) d[v >= 18 ? 'aggregator' : 'group_operator'] = agg;
  if (f.sequence) d.default_export_compatible = false;
  void info;
  return d;
}

export function aggregatorOf(f: FieldInfo): string | null {
  if (f.aggregator !== undefined) return f.aggregator;
  if ((f.type === 'integer' || f.type === 'float' || f.type === 'monetary') && f.name !== 'id' && !f.name.endsWith('sequence')) return 'sum';
  return null;
}

const fieldsGet = method({
  kind: 'model', params: [{ name: 'allfields', default: null }, { name: 'attributes', default: null }],
  impl: (env, _ids, args) => {
    const e = m(env);
    const model = api(env, modelOf(env));
    const info = model.info;
    const wanted = asFields(args.allfields);
    const attrs = asFields(args.attributes);
    const out: Record<string, unknown> = {};
    for (const f of info.fieldList) {
      if (wanted && !wanted.includes(f.name)) continue;
      if (!e.core.canAccessField(e, f)) continue;
      const d = fieldDescription(e, info, f);
      if (attrs) {
        const filtered: Record<string, unknown> = {};
        for (const a of attrs) if (a in d) filtered[a] = d[a];
        out[f.name] = filtered;
      } else out[f.name] = d;
    }
    return out;
  },
});

function defaultGet(param: string): MethodDef {
  return {
    kind: 'model', params: [param],
    impl: (env, _ids, args) => api(env, modelOf(env)).defaultGet(asFields(args[param]) ?? []),
  };
}

const copy = method({
  kind: 'records', params: [{ name: 'default', default: null }], returnsRecordset: true,
  impl: (env, ids, args) => {
    const model = api(env, modelOf(env));
    const info = model.info;
    const out: number[] = [];
    for (const row of model.ensureExist(ids!)) {
      const vals: Vals = {};
      for (const f of info.fieldList) {
        if (f.magic || f.name === 'id' || f.copy === false || f.sequence || (f.computed && f.readonly !== false) || f.relatedPath) continue;
        if (f.type === 'one2many') {
          if (f.copy !== true) continue;
          const lines = m(env).core.x2manyIds(info, row, f);
          const co = api(env, f.relation!);
          vals[f.name] = lines.map((lid) => {
            const copied = copyVals(co.info, co.row(lid)!, f.inverseName!);
            return [0, 0, copied];
          });
          continue;
        }
        const v = row[f.name];
        vals[f.name] = f.type === 'many2many' ? [[6, 0, v ?? []]] : readScalar(f, v);
      }
      Object.assign(vals, (args.default ?? {}) as Vals);
      out.push(model.create(vals));
    }
    return new Recordset(info.name, out);
  },
});

function copyVals(info: ModelInfo, row: Row, skip: string): Vals {
  const vals: Vals = {};
  for (const f of info.fieldList) {
    if (f.magic || f.name === 'id' || f.name === skip || f.copy === false || f.sequence || !f.stored || (f.computed && f.readonly !== false)) continue;
    const v = row[f.name];
    vals[f.name] = f.type === 'many2many' ? [[6, 0, v ?? []]] : readScalar(f, v);
  }
  return vals;
}

const exists = method({
  kind: 'records', params: [], returnsRecordset: true,
  impl: (env, ids) => new Recordset(modelOf(env), api(env, modelOf(env)).exists(ids!)),
});

function archive(active: boolean): MethodDef {
  return {
    kind: 'records', params: [],
    impl: (env, ids) => {
      const model = api(env, modelOf(env));
      if (!model.info.hasActive) throw new PythonError('AssertionError', `Model ${model.name} has no active field`);
      const todo = model.ensureExist(ids!).filter((r) => (r.active !== false) !== active).map((r) => r.id);
      if (todo.length) model.write(todo, { active });
      return true;
    },
  };
}

const toggleActive = method({
  kind: 'records', params: [],
  impl: (env, ids) => {
    const model = api(env, modelOf(env));
    if (!model.info.hasActive) throw new PythonError('AssertionError', `Model ${model.name} has no active field`);
    const rows = model.ensureExist(ids!);
    const on = rows.filter((r) => r.active === false).map((r) => r.id);
    const off = rows.filter((r) => r.active !== false).map((r) => r.id);
    if (on.length) model.write(on, { active: true });
    if (off.length) model.write(off, { active: false });
    return true;
  },
});

function checkPerm(op: unknown): 'read' | 'write' | 'create' | 'unlink' {
  if (op === 'read' || op === 'write' || op === 'create' || op === 'unlink') return op;
  throw new PythonError('ValueError', `Invalid access mode ${pyRepr(op)}`);
}

const checkAccessRights = method({
  kind: 'model', params: ['operation', { name: 'raise_exception', default: true }],
  impl: (env, _ids, args) => {
    const model = api(env, modelOf(env));
    try {
      model.checkAccess(checkPerm(args.operation));
      return true;
    } catch (e) {
      if (e instanceof AccessError && args.raise_exception === false) return false;
      throw e;
    }
  },
});

const hasAccess = method({
  kind: 'records', params: ['operation'],
  impl: (env, _ids, args) => {
    try {
      api(env, modelOf(env)).checkAccess(checkPerm(args.operation));
      return true;
    } catch (e) {
      if (e instanceof AccessError) return false;
      throw e;
    }
  },
});

const checkAccess = method({
  kind: 'records', params: ['operation'],
  impl: (env, ids, args) => {
    const model = api(env, modelOf(env));
    model.checkAccess(checkPerm(args.operation));
    model.ensureExist(ids!);
    return null;
  },
});

// ---------------------------------------------------------------- grouping

interface GroupSpec {
  spec: string;
  field: FieldInfo;
  granularity: string | null;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function parseGroupby(info: ModelInfo, spec: string): GroupSpec {
  const [fname, gran] = spec.split(':');
  const f = info.fields.get(fname.trim());
  if (!f) throw new PythonError('ValueError', `Invalid field ${pyRepr(fname.trim())} on model ${pyRepr(info.name)}`);
  let granularity: string | null = null;
  if (f.type === 'date' || f.type === 'datetime') {
    granularity = gran ?? 'month';
    if (!['day', 'week', 'month', 'quarter', 'year'].includes(granularity)) {
      throw new PythonError('ValueError', `Invalid date/time grouping ${pyRepr(granularity)}`);
    }
  }
  if (f.type === 'one2many' || f.type === 'binary') throw new PythonError('ValueError', `Field ${pyRepr(f.name)} is not groupable`);
  return { spec, field: f, granularity };
}

/** [bucket start 'YYYY-MM-DD', bucket end (exclusive), label]. */
function dateBucket(value: string, granularity: string): [string, string, string] {
  const d = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const mth = d.getUTCMonth();
  const fmt = (x: Date) => x.toISOString().slice(0, 10);
  switch (granularity) {
    case 'day': {
      const e = new Date(d); e.setUTCDate(e.getUTCDate() + 1);
      return [fmt(d), fmt(e), `${String(d.getUTCDate()).padStart(2, '0')} ${MONTHS[mth].slice(0, 3)} ${y}`];
    }
    case 'week': {
      const day = (d.getUTCDay() + 6) % 7; // ISO week starts Monday
      const s = new Date(d); s.setUTCDate(s.getUTCDate() - day);
      const e = new Date(s); e.setUTCDate(e.getUTCDate() + 7);
      const th = new Date(s); th.setUTCDate(th.getUTCDate() + 3);
      const jan4 = new Date(Date.UTC(th.getUTCFullYear(), 0, 4));
      const week = 1 + Math.round(((th.getTime() - jan4.getTime()) / 86400000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
      return [fmt(s), fmt(e), `W${week} ${th.getUTCFullYear()}`];
    }
    case 'quarter': {
      const q = Math.floor(mth / 3);
      return [fmt(new Date(Date.UTC(y, q * 3, 1))), fmt(new Date(Date.UTC(y, q * 3 + 3, 1))), `Q${q + 1} ${y}`];
    }
    case 'year':
      return [`${y}-01-01`, `${y + 1}-01-01`, String(y)];
    default:
      return [fmt(new Date(Date.UTC(y, mth, 1))), fmt(new Date(Date.UTC(y, mth + 1, 1))), `${MONTHS[mth]} ${y}`];
  }
}

interface AggSpec {
  key: string;
  field: FieldInfo | null;
  fn: string;
}

function aggregate(fn: string, values: unknown[], f: FieldInfo | null): unknown {
  const nums = values.filter((v) => typeof v === 'number') as number[];
  switch (fn) {
    case 'sum': return nums.reduce((a, b) => a + b, 0);
    case 'avg': return nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : false;
    case 'min': case 'max': {
      const present = values.filter((v) => v !== null && v !== undefined && v !== false);
      if (!present.length) return false;
      const sorted = present.slice().sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0));
      return fn === 'min' ? sorted[0] : sorted[sorted.length - 1];
    }
    case 'count': return values.filter((v) => v !== null && v !== undefined && v !== false).length;
    case 'count_distinct': return new Set(values.filter((v) => v !== null && v !== undefined && v !== false).map((v) => JSON.stringify(v))).size;
    case 'bool_and': return values.every((v) => !!v);
    case 'bool_or': return values.some((v) => !!v);
    case 'array_agg': return values;
    default:
      throw new PythonError('ValueError', `Invalid aggregate function ${pyRepr(fn)}${f ? ` for field ${f.name}` : ''}`);
  }
}

interface Group {
  key: string;
  values: unknown[]; // raw group values (id|false, bucket start|false, scalar)
  rows: Row[];
}

function groupRows(env: EnvImpl, info: ModelInfo, rows: Row[], specs: GroupSpec[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const vals = specs.map((g) => {
      let v = env.value(info, r, g.field, rows);
      if (g.granularity) v = typeof v === 'string' ? dateBucket(v, g.granularity)[0] : false;
      if (Array.isArray(v)) v = v[0] ?? false; // many2many: first tag (simplification)
      if (v === null || v === undefined) v = false;
      return v;
    });
    const key = JSON.stringify(vals);
    let g = groups.get(key);
    if (!g) {
      g = { key, values: vals, rows: [] };
      groups.set(key, g);
    }
    g.rows.push(r);
  }
  return [...groups.values()];
}

function groupValueOut(env: EnvImpl, g: GroupSpec, v: unknown, formatted: boolean): unknown {
  if (v === false) return false;
  if (g.field.type === 'many2one' || g.field.type === 'many2many') {
    const co = env.core.registry.info(g.field.relation!);
    const row = env.core.store.table(co.name).rows.get(v as number);
    return [v, row ? env.displayNames(co, [row])[0] : ''];
  }
  if (g.granularity) {
    const [start, , label] = dateBucket(v as string, g.granularity);
    return formatted ? [start, label] : label;
  }
  return v;
}

function groupDomain(g: GroupSpec, v: unknown): unknown[] {
  if (g.granularity && v !== false) {
    const [start, end] = dateBucket(v as string, g.granularity);
    const s = g.field.type === 'datetime' ? `${start} 00:00:00` : start;
    const e = g.field.type === 'datetime' ? `${end} 00:00:00` : end;
    return ['&', [g.field.name, '>=', s], [g.field.name, '<', e]];
  }
  return [[g.field.name, '=', v]];
}

function sortGroups(env: EnvImpl, groups: Group[], specs: GroupSpec[], order: string | null, aggKeyOf: (spec: string) => string | null, computeAgg: (g: Group, key: string) => unknown): Group[] {
  const terms: Array<{ idx: number | null; key: string | null; desc: boolean }> = [];
  if (order) {
    for (const part of order.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, dir] = part.split(/\s+/);
      const idx = specs.findIndex((s) => s.spec === name || s.field.name === name);
      terms.push({ idx: idx >= 0 ? idx : null, key: idx >= 0 ? null : aggKeyOf(name), desc: (dir ?? '').toLowerCase() === 'desc' });
    }
  } else specs.forEach((_s, i) => terms.push({ idx: i, key: null, desc: false }));
  const cmpVal = (spec: GroupSpec | null, a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === false) return 1;
    if (b === false) return -1;
    if (spec && spec.field.type === 'many2one') {
      const co = env.core.registry.info(spec.field.relation!);
      const t = env.core.store.table(co.name).rows;
      const ra = t.get(a as number);
      const rb = t.get(b as number);
      if (ra && rb) return env.comparator(co, co.order)(ra, rb);
    }
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a) < String(b) ? -1 : 1;
  };
  return groups.slice().sort((ga, gb) => {
    for (const t of terms) {
      let c = 0;
      if (t.idx !== null) c = cmpVal(specs[t.idx], ga.values[t.idx], gb.values[t.idx]);
      else if (t.key) c = cmpVal(null, computeAgg(ga, t.key), computeAgg(gb, t.key));
      if (c) return t.desc ? -c : c;
    }
    return 0;
  });
}

const readGroup = method({
  kind: 'model',
  params: ['domain', 'fields', 'groupby', { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'orderby', default: false }, { name: 'lazy', default: true }],
  impl: (env, _ids, args) => {
    const e = m(env);
    const model = api(env, modelOf(env));
    const info = model.info;
    const domain = asDomain(args.domain);
    let groupby = typeof args.groupby === 'string' ? [args.groupby] : (asFields(args.groupby) ?? []);
    const lazy = args.lazy !== false;
    const allGroupby = groupby;
    if (lazy && groupby.length) groupby = [groupby[0]];
    const specs = groupby.map((g) => parseGroupby(info, g));
    model.checkAccess('read');
    const aggs: AggSpec[] = [];
    for (const raw of asFields(args.fields) ?? []) {
      const mm = /^\s*(\w+)(?::(\w+)(?:\((\w+)\))?)?\s*$/.exec(raw);
      if (!mm) throw new PythonError('ValueError', `Invalid field specification ${pyRepr(raw)}.`);
      const [, name, fn0, src] = mm;
      const fname = src ?? name;
      if (fname === '__count') continue;
      const f = info.fields.get(fname);
      if (!f) throw new PythonError('ValueError', `Invalid field ${pyRepr(fname)} on model ${pyRepr(info.name)}`);
      if (specs.some((s) => s.field.name === fname)) continue;
      const fn = fn0 ?? aggregatorOf(f);
      if (!fn) continue;
      aggs.push({ key: name, field: f, fn });
    }
    const rows = model.searchRows(domain);
    let groups = groupRows(e, info, rows, specs);
    const computeAgg = (g: Group, key: string): unknown => {
      if (key === '__count') return g.rows.length;
      const a = aggs.find((x) => x.key === key)!;
      return aggregate(a.fn, g.rows.map((r) => e.value(info, r, a.field!, rows)), a.field);
    };
    groups = sortGroups(e, groups, specs, (args.orderby as string) || null, (name) => (name === '__count' || aggs.some((a) => a.key === name) ? name : null), computeAgg);
    const offset = Number(args.offset) || 0;
    const limit = asLimit(args.limit);
    groups = groups.slice(offset, limit !== null ? offset + limit : undefined);
    return groups.map((g) => {
      const out: Record<string, unknown> = {};
      specs.forEach((s, i) => (out[s.spec.split(':')[0] === s.spec ? s.spec : s.spec] = groupValueOut(e, s, g.values[i], false)));
      out[lazy && specs.length ? `${specs[0].field.name}_count` : '__count'] = g.rows.length;
      for (const a of aggs) out[a.key] = computeAgg(g, a.key);
      const extra = andDomains(...specs.map((s, i) => groupDomain(s, g.values[i])));
      out.__domain = andDomains(extra, domain);
      if (lazy && allGroupby.length > 1) out.__context = { group_by: allGroupby.slice(1) };
      if (specs.some((s) => s.granularity)) {
        const range: Record<string, unknown> = {};
        specs.forEach((s, i) => {
          if (!s.granularity || g.values[i] === false) return;
          const [start, end] = dateBucket(g.values[i] as string, s.granularity);
          range[s.spec] = s.field.type === 'datetime' ? { from: `${start} 00:00:00`, to: `${end} 00:00:00` } : { from: start, to: end };
        });
        out.__range = range;
      }
      return out;
    });
  },
});

const formattedReadGroup = method({
  kind: 'model',
  params: ['domain', { name: 'groupby', default: [] }, { name: 'aggregates', default: [] }, { name: 'having', default: [] },
    { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'order', default: null }],
  impl: (env, _ids, args) => {
    const e = m(env);
    const model = api(env, modelOf(env));
    const info = model.info;
    model.checkAccess('read');
    const specs = (asFields(args.groupby) ?? []).map((g) => parseGroupby(info, g));
    const aggs: AggSpec[] = (asFields(args.aggregates) ?? []).map((spec) => {
      if (spec === '__count') return { key: spec, field: null, fn: 'count' };
      const [fname, fn] = spec.split(':');
      const f = info.fields.get(fname);
      if (!f) throw new PythonError('ValueError', `Invalid field ${pyRepr(fname)} on model ${pyRepr(info.name)}`);
      if (!fn) throw new PythonError('ValueError', `Invalid aggregate specification ${pyRepr(spec)}`);
      return { key: spec, field: f, fn };
    });
    const rows = model.searchRows(asDomain(args.domain));
    let groups = groupRows(e, info, rows, specs);
    const computeAgg = (g: Group, key: string): unknown => {
      if (key === '__count') return g.rows.length;
      const a = aggs.find((x) => x.key === key)!;
      return aggregate(a.fn, g.rows.map((r) => e.value(info, r, a.field!, rows)), a.field);
    };
    groups = sortGroups(e, groups, specs, (args.order as string) || null, (name) => (aggs.some((a) => a.key === name) || name === '__count' ? name : null), computeAgg);
    const offset = Number(args.offset) || 0;
    const limit = asLimit(args.limit);
    groups = groups.slice(offset, limit !== null ? offset + limit : undefined);
    return groups.map((g) => {
      const out: Record<string, unknown> = {};
      specs.forEach((s, i) => (out[s.spec] = groupValueOut(e, s, g.values[i], true)));
      for (const a of aggs) out[a.key] = computeAgg(g, a.key);
      if (!('__count' in out)) out.__count = g.rows.length;
      out.__extra_domain = andDomains(...specs.map((s, i) => groupDomain(s, g.values[i])));
      return out;
    });
  },
});

const BUILTINS_COMMON: Record<string, MethodDef> = {
  create, read, write, unlink, search, search_count: searchCount, search_read: searchRead,
  name_create: nameCreate, fields_get: fieldsGet, copy, exists, read_group: readGroup,
  action_archive: archive(false), action_unarchive: archive(true),
};

export function builtinMethods(version: OdooVersion): Record<string, MethodDef> {
  const out: Record<string, MethodDef> = { ...BUILTINS_COMMON };
  out.name_search = nameSearch(version >= 18 ? 'domain' : 'args');
  out.default_get = defaultGet(version >= 19 ? 'fields' : 'fields_list');
  if (version <= 18) {
    out.check_access_rights = checkAccessRights;
    out.toggle_active = toggleActive;
  }
  if (version >= 18) {
    out.has_access = hasAccess;
    out.check_access = checkAccess;
  }
  if (version >= 19) out.formatted_read_group = formattedReadGroup;
  return out;
}

const cache = new Map<OdooVersion, Record<string, MethodDef>>();
setBuiltinLookup((version, name) => {
  let b = cache.get(version);
  if (!b) {
    b = builtinMethods(version);
    cache.set(version, b);
  }
  return Object.prototype.hasOwnProperty.call(b, name) ? b[name] : undefined;
});
