/**
 * In-memory CRM data: records per object type (HubSpot semantics: every property value is a string,
 * ids are numeric strings, archived records are kept), property definitions and associations.
 * Every change is reported to the listeners (the webhook dispatcher).
 */
import {
  ASSOCIATION_TYPES, DEFAULT_RETURNED, OBJECT_TYPES, ObjectType, PRIMARY_TYPES, PropertyDefinition, defaultProperties,
} from './schema';

export interface CrmRecord {
  id: string;
  type: ObjectType;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

export interface Association {
  fromType: ObjectType;
  fromId: string;
  toType: ObjectType;
  toId: string;
  typeId: number;
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED';
}

export type ChangeSource = 'CRM_UI' | 'INTEGRATION' | 'API' | 'IMPORT' | 'WORKFLOWS';

export type Change =
  | { kind: 'creation'; type: ObjectType; id: string; at: number; source: ChangeSource }
  | { kind: 'propertyChange'; type: ObjectType; id: string; at: number; source: ChangeSource; propertyName: string; propertyValue: string }
  | { kind: 'deletion'; type: ObjectType; id: string; at: number; source: ChangeSource }
  | { kind: 'associationChange'; at: number; source: ChangeSource; association: Association; removed: boolean; primary: boolean };

/** One invalid property, in HubSpot's VALIDATION_ERROR `errors[]`/message shape. */
export interface PropertyProblem {
  isValid: false;
  message: string;
  error: 'PROPERTY_DOESNT_EXIST' | 'INVALID_OPTION' | 'INVALID_INTEGER' | 'INVALID_DATE' | 'READ_ONLY_VALUE' | 'INVALID_EMAIL' | 'NOT_UNIQUE';
  name: string;
}

export class PropertyValidationError extends Error {
  constructor(readonly problems: PropertyProblem[]) {
    super(`Property values were not valid: ${JSON.stringify(problems)}`);
  }
}

export class CrmDb {
  private records = new Map<ObjectType, Map<string, CrmRecord>>();
  private props = new Map<ObjectType, Map<string, PropertyDefinition>>();
  private assocs: Association[] = [];
  private nextId = 1001;
  private lastTime = 0;
  private listeners: Array<(c: Change) => void> = [];

  constructor() {
    for (const t of OBJECT_TYPES) {
      this.records.set(t, new Map());
      this.props.set(t, new Map(defaultProperties(t).map((p) => [p.name, p])));
    }
  }

  onChange(listener: (c: Change) => void): void {
    this.listeners.push(listener);
  }

  private emit(c: Change): void {
    for (const l of this.listeners) l(c);
  }

  /** Wall clock in ms (never going backwards). */
  now(): number {
    const t = Date.now();
    this.lastTime = Math.max(this.lastTime, t);
    return this.lastTime;
  }

  // ---- properties ----
  properties(type: ObjectType): PropertyDefinition[] {
    return [...this.props.get(type)!.values()].filter((p) => !p.archived);
  }

  property(type: ObjectType, name: string): PropertyDefinition | undefined {
    return this.props.get(type)!.get(name);
  }

  addProperty(type: ObjectType, def: PropertyDefinition): void {
    this.props.get(type)!.set(def.name, def);
  }

  // ---- records ----
  get(type: ObjectType, id: string, includeArchived = false): CrmRecord | undefined {
    const r = this.records.get(type)!.get(id);
    if (!r || (r.archived && !includeArchived)) return undefined;
    return r;
  }

  /** Find by a unique property (idProperty); compares the stored string values exactly (emails case-insensitively). */
  findBy(type: ObjectType, property: string, value: string): CrmRecord | undefined {
    if (property === 'hs_object_id' || property === 'id') return this.get(type, value);
    const ci = property === 'email';
    for (const r of this.records.get(type)!.values()) {
      if (r.archived) continue;
      const v = r.properties[property];
      if (v === undefined) continue;
      if (ci ? v.toLowerCase() === value.toLowerCase() : v === value) return r;
    }
    return undefined;
  }

  all(type: ObjectType, includeArchived = false): CrmRecord[] {
    const out = [...this.records.get(type)!.values()].filter((r) => includeArchived ? r.archived : !r.archived);
    return out.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Validates and normalises input values to HubSpot's stored strings. Throws PropertyValidationError. */
  validate(type: ObjectType, input: Record<string, unknown>, existing?: CrmRecord): Record<string, string> {
    const problems: PropertyProblem[] = [];
    const out: Record<string, string> = {};
    for (const [name, raw] of Object.entries(input ?? {})) {
      const def = this.property(type, name);
      if (!def || def.archived) {
        problems.push({ isValid: false, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST', name });
        continue;
      }
      if (def.readOnlyValue || def.calculated) {
        problems.push({ isValid: false, message: `"${name}" is a read only property; its value cannot be set.`, error: 'READ_ONLY_VALUE', name });
        continue;
      }
      const value = raw === null || raw === undefined ? '' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
      if (value === '') {
        out[name] = '';
        continue;
      }
      if (def.type === 'number' && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) {
        problems.push({ isValid: false, message: `${value} was not a valid number.`, error: 'INVALID_INTEGER', name });
        continue;
      }
      if (def.type === 'enumeration' && def.options.length > 0 && !def.options.some((o) => o.value === value)) {
        problems.push({ isValid: false, message: `${value} was not one of the allowed options: ${def.options.map((o) => `[value: ${o.value}]`).join(', ')}`, error: 'INVALID_OPTION', name });
        continue;
      }
      if ((def.type === 'datetime' || def.type === 'date') && parseTime(value) === undefined) {
        problems.push({ isValid: false, message: `${value} was not a valid long. Should be a unix timestamp in milliseconds or an ISO 8601 date.`, error: 'INVALID_DATE', name });
        continue;
      }
      if (name === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
        problems.push({ isValid: false, message: `Email address ${value} is invalid`, error: 'INVALID_EMAIL', name });
        continue;
      }
      if (def.hasUniqueValue) {
        const other = this.findBy(type, name, value);
        if (other && other.id !== existing?.id) {
          problems.push({ isValid: false, message: `A ${type} with the value ${value} for unique property ${name} already exists (id ${other.id})`, error: 'NOT_UNIQUE', name });
          continue;
        }
      }
      out[name] = def.type === 'datetime' ? new Date(parseTime(value)!).toISOString() : value;
    }
    if (problems.length) throw new PropertyValidationError(problems);
    return out;
  }

  create(type: ObjectType, input: Record<string, unknown>, source: ChangeSource = 'INTEGRATION', at?: number): CrmRecord {
    const values = this.validate(type, input);
    const now = at ?? this.now();
    const id = String(this.nextId++);
    const iso = new Date(now).toISOString();
    const properties: Record<string, string> = { hs_object_id: id, createdate: iso, hs_lastmodifieddate: iso };
    if (type === 'contacts') properties.lastmodifieddate = iso;
    for (const [k, v] of Object.entries(values)) if (v !== '') properties[k] = v;
    if (type === 'line_items') recomputeLineAmount(properties);
    if (type === 'notes' && !properties.hs_timestamp) properties.hs_timestamp = iso;
    const record: CrmRecord = { id, type, properties, createdAt: now, updatedAt: now, archived: false };
    this.records.get(type)!.set(id, record);
    this.emit({ kind: 'creation', type, id, at: now, source });
    return record;
  }

  /** Applies changed values; returns the names that changed (and emits one propertyChange per name). */
  update(type: ObjectType, id: string, input: Record<string, unknown>, source: ChangeSource = 'INTEGRATION'): { record: CrmRecord; changed: string[] } {
    const record = this.get(type, id);
    if (!record) throw new NotFound(type, id);
    const values = this.validate(type, input, record);
    const changed: string[] = [];
    for (const [k, v] of Object.entries(values)) {
      const old = record.properties[k] ?? '';
      if (old === v) continue;
      if (v === '') delete record.properties[k];
      else record.properties[k] = v;
      changed.push(k);
    }
    if (type === 'line_items' && (changed.includes('quantity') || changed.includes('price'))) recomputeLineAmount(record.properties);
    if (changed.length) {
      const now = this.now();
      record.updatedAt = now;
      const iso = new Date(now).toISOString();
      record.properties.hs_lastmodifieddate = iso;
      if (type === 'contacts') record.properties.lastmodifieddate = iso;
      for (const name of changed) {
        this.emit({ kind: 'propertyChange', type, id, at: now, source, propertyName: name, propertyValue: record.properties[name] ?? '' });
      }
    }
    return { record, changed };
  }

  archive(type: ObjectType, id: string, source: ChangeSource = 'INTEGRATION'): boolean {
    const record = this.get(type, id);
    if (!record) return false;
    const now = this.now();
    record.archived = true;
    record.archivedAt = now;
    record.updatedAt = now;
    for (const a of this.assocs.filter((x) => (x.fromType === type && x.fromId === id))) {
      this.removeAssociation(a.fromType, a.fromId, a.toType, a.toId, undefined, source);
    }
    this.emit({ kind: 'deletion', type, id, at: now, source });
    return true;
  }

  // ---- associations ----
  associations(fromType: ObjectType, fromId: string, toType?: ObjectType): Association[] {
    return this.assocs.filter((a) => a.fromType === fromType && a.fromId === fromId && (!toType || a.toType === toType));
  }

  /** Adds the association in both directions (with their own type ids). Returns false if it already existed. */
  associate(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, typeId?: number, source: ChangeSource = 'INTEGRATION'): boolean {
    const key = `${fromType}>${toType}`;
    const reverseKey = `${toType}>${fromType}`;
    const primary = typeId !== undefined && PRIMARY_TYPES[key] === typeId;
    const tid = typeId ?? ASSOCIATION_TYPES[key];
    if (tid === undefined) throw new Error(`No association type between ${fromType} and ${toType}`);
    if (this.assocs.some((a) => a.fromType === fromType && a.fromId === fromId && a.toType === toType && a.toId === toId && a.typeId === tid)) return false;
    const reverseId = primary ? PRIMARY_TYPES[reverseKey] : ASSOCIATION_TYPES[reverseKey] ?? tid;
    const a: Association = { fromType, fromId, toType, toId, typeId: tid, category: 'HUBSPOT_DEFINED' };
    const b: Association = { fromType: toType, fromId: toId, toType: fromType, toId: fromId, typeId: reverseId, category: 'HUBSPOT_DEFINED' };
    this.assocs.push(a, b);
    // A primary association implies the unlabelled one too (HubSpot returns both labels).
    if (primary) this.associate(fromType, fromId, toType, toId, undefined, source);
    const now = this.now();
    this.emit({ kind: 'associationChange', at: now, source, association: a, removed: false, primary });
    return true;
  }

  /** Removes every association (or one type id) between the two records, both directions. */
  removeAssociation(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, typeId?: number, source: ChangeSource = 'INTEGRATION'): number {
    const forward = this.assocs.filter((a) => a.fromType === fromType && a.fromId === fromId && a.toType === toType && a.toId === toId &&
      (typeId === undefined || a.typeId === typeId));
    if (!forward.length) return 0;
    const key = `${fromType}>${toType}`;
    const reverseIds = new Set(forward.map((a) => (PRIMARY_TYPES[key] === a.typeId ? PRIMARY_TYPES[`${toType}>${fromType}`] : ASSOCIATION_TYPES[`${toType}>${fromType}`] ?? a.typeId)));
    const drop = new Set<Association>(forward);
    for (const a of this.assocs) {
      if (a.fromType === toType && a.fromId === toId && a.toType === fromType && a.toId === fromId && (typeId === undefined || reverseIds.has(a.typeId))) drop.add(a);
    }
    this.assocs = this.assocs.filter((a) => !drop.has(a));
    const now = this.now();
    for (const a of forward) this.emit({ kind: 'associationChange', at: now, source, association: a, removed: true, primary: PRIMARY_TYPES[key] === a.typeId });
    return forward.length;
  }

  /** Returns record properties restricted to `names` (or HubSpot's default set), always with hs_object_id etc. */
  pick(record: CrmRecord, names?: string[]): Record<string, string | null> {
    const list = names && names.length ? names : DEFAULT_RETURNED[record.type];
    const out: Record<string, string | null> = {};
    for (const n of list) {
      if (!this.property(record.type, n) && n !== 'lastmodifieddate') continue;
      out[n] = record.properties[n] ?? null;
    }
    out.hs_object_id = record.id;
    out.createdate = record.properties.createdate;
    out.hs_lastmodifieddate = record.properties.hs_lastmodifieddate;
    return out;
  }
}

export class NotFound extends Error {
  constructor(readonly type: ObjectType, readonly id: string) {
    super(`resource not found`);
  }
}

function recomputeLineAmount(p: Record<string, string>): void {
  const q = Number(p.quantity ?? '0');
  const price = Number(p.price ?? '0');
  if (Number.isFinite(q) && Number.isFinite(price)) p.amount = String(Math.round(q * price * 100) / 100);
}

/** Epoch ms from a HubSpot date value: a millisecond string or an ISO 8601 date. */
export function parseTime(value: string): number | undefined {
  if (/^\d{9,}$/.test(value)) return Number(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}
