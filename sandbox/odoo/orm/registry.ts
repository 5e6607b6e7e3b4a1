/**
 * Registry implementation: collects model definitions and extensions from the modules, then
 * resolves them for one Odoo version (version filters, renames, magic fields, _inherits, related
 * fields, stored-compute triggers) into ModelInfo objects the ORM core works with.
 */
import type {
  AccessGrant, ConstraintDef, FieldDef, GroupDef, MethodDef, ModelDef, ModelExtension, OdooVersion,
  Registry, Row, SelectionList, UniqueConstraintDef, Env,
} from './schema';
import { GROUPS } from './schema';

export interface FieldInfo extends FieldDef {
  name: string;
  declaredName: string;
  model: string;
  string: string;
  /** Has a value in the stored row. */
  stored: boolean;
  /** compute or related. */
  computed: boolean;
  selectionList?: SelectionList;
  relatedPath?: string[];
  /** Magic field (id, display_name, create_uid...). */
  magic?: boolean;
}

export interface OrderTerm {
  field: string;
  desc: boolean;
  nulls?: 'first' | 'last';
}

export interface ModelInfo {
  name: string;
  def: ModelDef;
  description: string;
  fields: Map<string, FieldInfo>;
  fieldList: FieldInfo[];
  storedFields: FieldInfo[];
  methods: Map<string, MethodDef>;
  order: OrderTerm[];
  recName: string | null;
  parentName: string | null;
  /** fields a name search matches (OR) */
  nameFields: string[];
  hasActive: boolean;
  logAccess: boolean;
  transient: boolean;
  constraints: ConstraintDef[];
  unique: UniqueConstraintDef[];
  displayName?: (env: Env, rows: Row[]) => string[];
  inherits: Record<string, string>;
  /** declared field name -> actual field name on this version */
  declared: Map<string, string>;
  /** fields whose value depends on a given field of this model: stored computes to recompute */
  triggers: Map<string, Trigger[]>;
}

/** When `field` of the trigger's source model changes on records R, recompute `target.field` on the records reached backwards by `path`. */
export interface Trigger {
  targetModel: string;
  targetField: string;
  /** path from the target model down to the changed model (empty = the changed records themselves) */
  path: string[];
}

const MAGIC_LABELS: Record<string, string> = {
  id: 'ID', display_name: 'Display Name', create_uid: 'Created by', create_date: 'Created on',
  write_uid: 'Last Updated by', write_date: 'Last Updated on',
};

/** Odoo's default label for a field name: partner_id -> "Partner", order_line -> "Order Line". */
export function humanize(name: string): string {
  const base = name.endsWith('_ids') ? name.slice(0, -4) : name.endsWith('_id') ? name.slice(0, -3) : name;
  return base.split('_').filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
}

export function parseOrder(spec: string, modelName: string, fields: Map<string, FieldInfo> | null): OrderTerm[] {
  const out: OrderTerm[] = [];
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^"?([a-zA-Z_][\w.]*)"?(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i.exec(part);
    if (!m) throw new OrderError(`Invalid "order" specified (${spec}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`);
    const field = m[1];
    if (fields && !fields.has(field.split('.')[0])) {
      throw new OrderError(`Invalid field '${field}' on model '${modelName}'`);
    }
    out.push({ field, desc: (m[2] ?? '').toLowerCase() === 'desc', nulls: m[3] ? (m[3].toLowerCase() as 'first' | 'last') : undefined });
  }
  return out;
}

export class OrderError extends Error {}

function versionOk(only: OdooVersion[] | undefined, v: OdooVersion): boolean {
  return !only || only.includes(v);
}

function actualName(declared: string, f: FieldDef, v: OdooVersion): string {
  if (!f.renamedIn) return declared;
  let best: number | null = null;
  let name = declared;
  for (const [k, n] of Object.entries(f.renamedIn)) {
    const kv = Number(k);
    if (kv <= v && (best === null || kv > best) && n) {
      best = kv;
      name = n;
    }
  }
  return name;
}

export class RegistryImpl implements Registry {
  readonly version: OdooVersion;
  private defs = new Map<string, ModelDef>();
  private extensions = new Map<string, ModelExtension[]>();
  private grantList: AccessGrant[] = [];
  private groups = new Map<string, GroupDef>();
  private resolved: Map<string, ModelInfo> | null = null;

  constructor(version: OdooVersion) {
    this.version = version;
    const base: GroupDef[] = [
      { xmlid: GROUPS.user, name: 'Role / User' },
      { xmlid: GROUPS.partnerManager, name: 'Extra Rights / Contact Creation' },
      { xmlid: GROUPS.erpManager, name: 'Administration / Access Rights', implied: [GROUPS.user] },
      { xmlid: GROUPS.system, name: 'Administration / Settings', implied: [GROUPS.erpManager, GROUPS.partnerManager] },
      { xmlid: GROUPS.integration, name: 'Technical / Integration' },
    ];
    for (const g of base) this.groups.set(g.xmlid, g);
  }

  define(def: ModelDef): void {
    this.assertOpen();
    if (!versionOk(def.onlyVersions, this.version)) return;
    if (this.defs.has(def.name)) throw new Error(`model ${def.name} is defined twice`);
    this.defs.set(def.name, def);
  }

  extend(name: string, ext: ModelExtension): void {
    this.assertOpen();
    const list = this.extensions.get(name) ?? [];
    list.push(ext);
    this.extensions.set(name, list);
  }

  has(name: string): boolean {
    return this.resolved ? this.resolved.has(name) : this.defs.has(name);
  }

  get(name: string): ModelDef {
    const info = this.info(name);
    const fields: Record<string, FieldDef> = {};
    for (const f of info.fieldList) fields[f.name] = f;
    return { ...info.def, fields, methods: Object.fromEntries(info.methods) };
  }

  modelNames(): string[] {
    return this.resolved ? [...this.resolved.keys()] : [...this.defs.keys()];
  }

  grant(model: string, group: string, perms: string): void {
    const p = { read: perms.includes('r'), write: perms.includes('w'), create: perms.includes('c'), unlink: perms.includes('u') };
    if (/[^rwcu]/.test(perms)) throw new Error(`bad perms '${perms}' (use letters r w c u)`);
    this.grantList.push({ model, group, perms: p });
  }

  defineGroup(group: GroupDef): void {
    const prev = this.groups.get(group.xmlid);
    this.groups.set(group.xmlid, prev ? { ...prev, ...group, implied: [...(prev.implied ?? []), ...(group.implied ?? [])] } : group);
  }

  grants(): AccessGrant[] {
    return this.grantList.slice();
  }

  groupDefs(): GroupDef[] {
    return [...this.groups.values()];
  }

  isFinal(): boolean {
    return this.resolved !== null;
  }

  private assertOpen(): void {
    if (this.resolved) throw new Error('registry is finalized; define/extend models in a ModuleRegistrar');
  }

  info(name: string): ModelInfo {
    if (!this.resolved) this.finalize();
    const info = this.resolved!.get(name);
    if (!info) throw new Error(`unknown model ${name}`);
    return info;
  }

  tryInfo(name: string): ModelInfo | undefined {
    if (!this.resolved) this.finalize();
    return this.resolved!.get(name);
  }

  allInfos(): ModelInfo[] {
    if (!this.resolved) this.finalize();
    return [...this.resolved!.values()];
  }

  /** Resolve every model for this version. Called once, after all modules registered. */
  finalize(): void {
    if (this.resolved) return;
    const v = this.version;
    const out = new Map<string, ModelInfo>();
    for (const [name, def0] of this.defs) {
      const exts = this.extensions.get(name) ?? [];
      const def: ModelDef = { ...def0, fields: { ...def0.fields }, methods: { ...(def0.methods ?? {}) } };
      let constraints = [...(def0.constraints ?? [])];
      let unique = [...(def0.unique ?? [])];
      for (const e of exts) {
        Object.assign(def.fields, e.fields ?? {});
        Object.assign(def.methods!, e.methods ?? {});
        if (e.order) def.order = e.order;
        if (e.recName) def.recName = e.recName;
        if (e.parentName) def.parentName = e.parentName;
        if (e.recNamesSearch) def.recNamesSearch = e.recNamesSearch;
        if (e.displayName) def.displayName = e.displayName;
        constraints = constraints.concat(e.constraints ?? []);
        unique = unique.concat(e.unique ?? []);
      }
      const fields = new Map<string, FieldInfo>();
      const declared = new Map<string, string>();
      const logAccess = def.logAccess !== false;
      const add = (declaredName: string, f: FieldDef, magic = false) => {
        if (!versionOk(f.onlyVersions, v)) return;
        const fname = actualName(declaredName, f, v);
        declared.set(declaredName, fname);
        let ondelete = f.ondelete;
        if (f.type === 'many2one') {
          ondelete = ondelete ?? 'set null';
          if (ondelete === 'set null' && f.required) ondelete = 'restrict';
        }
        const computed = !!(f.compute || f.related);
        const stored = f.type === 'one2many' ? false : computed ? !!(f.compute && f.store) : f.store !== false;
        const info: FieldInfo = {
          ...f, name: fname, declaredName, model: name, ondelete,
          string: f.string ?? MAGIC_LABELS[fname] ?? humanize(fname), stored, computed, magic,
          selectionList: f.type === 'selection' ? (typeof f.selection === 'function' ? f.selection(v) : f.selection ?? []) : undefined,
          relatedPath: f.related ? f.related.split('.') : undefined,
        };
        fields.set(fname, info);
      };
      add('id', { type: 'integer', string: 'ID', readonly: true }, true);
      for (const [fname, f] of Object.entries(def.fields)) add(fname, f);
      if (!fields.has('display_name')) add('display_name', { type: 'char', string: 'Display Name', readonly: true, compute: () => [] }, true);
      if (logAccess) {
        add('create_uid', { type: 'many2one', relation: 'res.users', string: 'Created by', readonly: true }, true);
        add('create_date', { type: 'datetime', string: 'Created on', readonly: true }, true);
        add('write_uid', { type: 'many2one', relation: 'res.users', string: 'Last Updated by', readonly: true }, true);
        add('write_date', { type: 'datetime', string: 'Last Updated on', readonly: true }, true);
      }
      const methods = new Map<string, MethodDef>();
      for (const [mname, m] of Object.entries(def.methods ?? {})) if (versionOk(m.onlyVersions, v)) methods.set(mname, m);
      const recName = def.recName ?? (fields.has('name') ? 'name' : null);
      const parentName = def.parentName ?? (fields.has('parent_id') ? 'parent_id' : null);
      out.set(name, {
        name, def, description: def.description, fields, fieldList: [...fields.values()],
        storedFields: [], methods, order: [], recName, parentName,
        nameFields: (def.recNamesSearch ?? (recName ? [recName] : [])).map((n) => declared.get(n) ?? n),
        hasActive: fields.has('active'), logAccess, transient: !!def.transient, constraints, unique,
        displayName: def.displayName, inherits: def.inherits ?? {}, declared, triggers: new Map(),
      });
    }
    // extensions of models nobody defined are a programming error
    for (const name of this.extensions.keys()) {
      if (!out.has(name) && !this.defs.has(name)) throw new Error(`extend('${name}'): model is not defined`);
    }
    // _inherits: parent fields become related fields through the link
    for (const info of out.values()) {
      for (const [parentModel, link] of Object.entries(info.inherits)) {
        const parent = out.get(parentModel);
        if (!parent) throw new Error(`${info.name}: _inherits unknown model ${parentModel}`);
        for (const pf of parent.fieldList) {
          if (pf.magic || info.fields.has(pf.name)) continue;
          const f: FieldInfo = {
            ...pf, model: info.name, related: `${link}.${pf.name}`, relatedPath: [link, pf.name],
            stored: false, computed: true, compute: undefined, store: false, depends: undefined, search: undefined, inverse: undefined,
            sequence: undefined, default: pf.default,
          };
          info.fields.set(pf.name, f);
        }
        info.fieldList = [...info.fields.values()];
      }
    }
    for (const info of out.values()) {
      info.storedFields = info.fieldList.filter((f) => f.stored);
      info.order = parseOrder(info.def.order ?? 'id', info.name, null);
      for (const f of info.fieldList) {
        if ((f.type === 'many2one' || f.type === 'one2many' || f.type === 'many2many') && f.relation && !out.has(f.relation)) {
          throw new Error(`${info.name}.${f.name}: unknown comodel ${f.relation}`);
        }
        if (f.type === 'one2many' && !f.inverseName) throw new Error(`${info.name}.${f.name}: one2many needs inverseName`);
      }
    }
    this.resolved = out;
    // stored-compute triggers
    for (const info of out.values()) {
      for (const f of info.fieldList) {
        if (!(f.compute && f.stored)) continue;
        for (const dep of f.depends ?? []) {
          let model = info;
          const segs = dep.split('.');
          const path: string[] = [];
          for (let i = 0; i < segs.length; i++) {
            const seg = model.declared.get(segs[i]) ?? segs[i];
            const df = model.fields.get(seg);
            if (!df) throw new Error(`${info.name}.${f.name}: depends '${dep}' has unknown field ${seg} on ${model.name}`);
            const list = model.triggers.get(seg) ?? [];
            list.push({ targetModel: info.name, targetField: f.name, path: path.slice() });
            model.triggers.set(seg, list);
            if (i < segs.length - 1) {
              if (!df.relation) throw new Error(`${info.name}.${f.name}: depends '${dep}' goes through non-relational ${seg}`);
              path.push(seg);
              model = out.get(df.relation)!;
            }
          }
        }
      }
    }
    // the settings group gets full rights on every model (Odoo's admin has them through its groups)
    const withSystem = new Set(this.grantList.filter((g) => g.group === GROUPS.system).map((g) => g.model));
    for (const name of out.keys()) if (!withSystem.has(name)) this.grant(name, GROUPS.system, 'rwcu');
  }
}
