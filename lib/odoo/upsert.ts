/**
 * Batched upsert by match keys.
 *
 * 1. ONE search_read for the whole batch: an OR over every key's values (`in` for exact keys,
 *    `=ilike` terms for case-insensitive ones) reading back the fields the records carry.
 * 2. Each record is matched on the NORMALISED key values (email: trimmed, lower case; VAT: letters and
 *    digits only, upper case; others: exact, strings trimmed). Mode `first` (default): the keys are
 *    tried in the given order and the first key with a value that finds candidates decides; mode
 *    `all`: every key must be equal (a composite key). Two or more candidates: `ambiguous`, nothing
 *    is written for that record.
 * 3. Records matching the same target (existing or new) are merged in input order (later values win).
 * 4. ONE create call (chunked above `batchSize`) for the new records; for matched ones only the fields
 *    whose value differs from what was read back are written, records with the same changes grouped
 *    into one write on several ids; unchanged records are not written at all.
 */
import type { OdooClient, OdooRecord } from './client';
import { OdooRequestError } from './errors';

export type Normalizer = 'email' | 'vat' | 'ci' | 'exact' | ((value: unknown) => string | number | undefined);

export interface UpsertOptions {
  /** Per match key normaliser. Default: fields whose name contains "email" -> email, "vat" -> vat, else exact. */
  normalize?: Record<string, Normalizer>;
  /** `first` (default): keys tried in order; `all`: all keys together form the key. */
  mode?: 'first' | 'all';
  context?: Record<string, unknown>;
  /** Also match archived records (context active_test=false). Default false, as in Odoo. */
  includeArchived?: boolean;
  /** Records per create call (default 1000). */
  batchSize?: number;
}

export type UpsertAction = 'created' | 'updated' | 'unchanged' | 'ambiguous';

export interface AmbiguousMatch {
  /** Index of the record in the input. */
  index: number;
  key: string;
  value: unknown;
  candidates: number[];
}

export interface UpsertResult {
  created: number[];
  updated: number[];
  unchanged: number[];
  ambiguous: AmbiguousMatch[];
  /** Per input record, the Odoo id (null for an ambiguous record). */
  ids: Array<number | null>;
  /** Per input record, what happened to it. */
  actions: UpsertAction[];
}

type NormFn = (value: unknown) => string | number | undefined;

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === false || (typeof v === 'string' && v.trim() === '');
}

export function normalizeEmail(v: unknown): string | undefined {
  if (isEmpty(v) || typeof v !== 'string') return undefined;
  return v.trim().toLowerCase();
}

export function normalizeVat(v: unknown): string | undefined {
  if (isEmpty(v) || typeof v !== 'string') return undefined;
  const s = v.replace(/[^0-9a-z]/gi, '').toUpperCase();
  return s || undefined;
}

function normalizeExact(v: unknown): string | number | undefined {
  if (isEmpty(v)) return undefined;
  if (Array.isArray(v) && v.length === 2 && Number.isInteger(v[0])) return v[0] as number; // many2one as read
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return v;
  return JSON.stringify(v);
}

function normalizeCi(v: unknown): string | undefined {
  if (isEmpty(v) || typeof v !== 'string') return undefined;
  return v.trim().toLowerCase();
}

function normFor(key: string, opts: UpsertOptions): { fn: NormFn; kind: 'email' | 'vat' | 'ci' | 'exact' | 'custom' } {
  const n = opts.normalize?.[key] ?? (/email/i.test(key) ? 'email' : /(^|_)vat($|_)/i.test(key) ? 'vat' : 'exact');
  if (typeof n === 'function') return { fn: n, kind: 'custom' };
  switch (n) {
    case 'email': return { fn: normalizeEmail, kind: 'email' };
    case 'vat': return { fn: normalizeVat, kind: 'vat' };
    case 'ci': return { fn: normalizeCi, kind: 'ci' };
    default: return { fn: normalizeExact, kind: 'exact' };
  }
}

/** Prefix-notation OR of complete domain expressions. */
function orOf(parts: unknown[][]): unknown[] {
  const nonEmpty = parts.filter((p) => p.length);
  if (!nonEmpty.length) return [];
  return [...Array(nonEmpty.length - 1).fill('|'), ...nonEmpty.flat()];
}

function andOf(parts: unknown[][]): unknown[] {
  const nonEmpty = parts.filter((p) => p.length);
  if (!nonEmpty.length) return [];
  return [...Array(nonEmpty.length - 1).fill('&'), ...nonEmpty.flat()];
}

function keyDomain(key: string, kind: string, raws: unknown[], norms: Array<string | number>): unknown[] {
  if (!raws.length) return [];
  switch (kind) {
    case 'email':
    case 'ci':
      return orOf(norms.map((n) => [[key, '=ilike', String(n)]]));
    case 'vat':
      // Stored VATs may keep spaces or punctuation: letters in order with anything between them.
      return orOf(norms.map((n) => [[key, '=ilike', String(n).split('').join('%')]]));
    case 'exact':
      return [[key, 'in', [...new Set(raws.map((r) => (typeof r === 'string' ? r.trim() : Array.isArray(r) ? r[0] : r)))]]];
    default:
      // Custom normaliser: the stored form is unknown, search the raw values as given.
      return [[key, 'in', [...new Set(raws)]]];
  }
}

/* ---------------------------------------------------------------------------------------------- */
/* Comparison of a value to write with the value read back                                        */
/* ---------------------------------------------------------------------------------------------- */

function isEmptyStored(v: unknown): boolean {
  return v === false || v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

function toOdooDatetime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '');
}

function sameIdSet(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/** Whether writing `value` would leave `stored` (as search_read returns it) unchanged. */
export function sameValue(stored: unknown, value: unknown): boolean {
  if (isEmpty(value) || (Array.isArray(value) && value.length === 0)) {
    if (typeof value === 'boolean' && typeof stored === 'boolean') return stored === value;
    return isEmptyStored(stored) || (stored === false && value === false);
  }
  if (value === true) return stored === true;
  if (Array.isArray(stored) && stored.length === 2 && Number.isInteger(stored[0]) && typeof stored[1] === 'string') {
    // many2one read as [id, display_name]
    if (typeof value === 'number') return stored[0] === value;
    if (Array.isArray(value) && value.length === 2 && value[0] === stored[0]) return true;
    return false;
  }
  if (Array.isArray(value)) {
    const storedIds = Array.isArray(stored) ? (stored as unknown[]).filter((x): x is number => Number.isInteger(x)) : [];
    if (value.every((x) => Number.isInteger(x))) return sameIdSet(storedIds, value as number[]);
    // x2many commands: only "replace the set" [6, 0, ids] and "link" [4, id] can be checked.
    if (value.every((c) => Array.isArray(c) && (c[0] === 6 || c[0] === 4))) {
      let set = new Set(storedIds);
      for (const c of value as unknown[][]) {
        if (c[0] === 6) set = new Set((c[2] as number[]) ?? []);
        else set.add(c[1] as number);
      }
      return sameIdSet([...set], storedIds);
    }
    return false;
  }
  if (typeof value === 'number') {
    const s = typeof stored === 'number' ? stored : typeof stored === 'string' && stored.trim() !== '' ? Number(stored) : NaN;
    if (!Number.isFinite(s)) return false;
    return Math.abs(s - value) <= 1e-9 * Math.max(1, Math.abs(s), Math.abs(value));
  }
  if (value instanceof Date) return typeof stored === 'string' && stored === toOdooDatetime(value);
  if (typeof value === 'string') {
    if (typeof stored === 'number') return Number(value) === stored;
    if (typeof stored !== 'string') return false;
    if (stored === value) return true;
    // ISO datetime given for a datetime field stored as "YYYY-MM-DD HH:MM:SS" (UTC).
    if (/^\d{4}-\d{2}-\d{2}T/.test(value) && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(stored)) {
      const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : value + 'Z');
      return !isNaN(d.getTime()) && toOdooDatetime(d) === stored;
    }
    return false;
  }
  return JSON.stringify(stored) === JSON.stringify(value);
}

/* ---------------------------------------------------------------------------------------------- */

function stableKey(vals: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(vals).sort().map((k) => [k, vals[k] instanceof Date ? toOdooDatetime(vals[k] as Date) : vals[k]]));
}

function plainValues(r: OdooRecord): OdooRecord {
  const out: OdooRecord = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'id' || v === undefined) continue;
    out[k] = v instanceof Date ? toOdooDatetime(v) : v;
  }
  return out;
}

export async function runUpsert(client: OdooClient, model: string, records: OdooRecord[], matchOn: string[], opts: UpsertOptions = {}): Promise<UpsertResult> {
  const method = 'upsert';
  if (!Array.isArray(records)) throw new OdooRequestError(`${model}.upsert: records must be an array of objects`, { model, method });
  records.forEach((r, i) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw new OdooRequestError(`${model}.upsert: record ${i} is not an object`, { model, method });
  });
  const keys = (matchOn ?? []).filter((k) => typeof k === 'string' && k.trim()).map((k) => k.trim());
  if (!keys.length) throw new OdooRequestError(`${model}.upsert: at least one match key (matchOn) is required`, { model, method });
  const mode = opts.mode ?? 'first';
  const norms = keys.map((k) => normFor(k, opts));
  const result: UpsertResult = { created: [], updated: [], unchanged: [], ambiguous: [], ids: records.map(() => null), actions: [] };
  if (!records.length) return result;

  // Normalised key values per record.
  const recNorm: Array<Array<string | number | undefined>> = records.map((r) => keys.map((k, j) => norms[j].fn(r[k])));

  // 1. One search.
  const perKey: unknown[][] = keys.map((k, j) => {
    const raws: unknown[] = [];
    const ns: Array<string | number> = [];
    const seen = new Set<string | number>();
    records.forEach((r, i) => {
      const n = recNorm[i][j];
      if (n === undefined || seen.has(n)) return;
      seen.add(n);
      raws.push(r[k]);
      ns.push(n);
    });
    return keyDomain(k, norms[j].kind, raws, ns);
  });
  const domain = mode === 'all' ? andOf(perKey) : orOf(perKey);
  const fieldSet = new Set<string>(keys);
  for (const r of records) for (const k of Object.keys(r)) if (k !== 'id') fieldSet.add(k);
  const context = { ...(opts.context ?? {}), ...(opts.includeArchived ? { active_test: false } : {}) };
  const hasContext = Object.keys(context).length > 0;
  const existing: OdooRecord[] = domain.length
    ? await client.searchRead(model, domain, { fields: [...fieldSet], context: hasContext ? context : undefined })
    : [];
  const byId = new Map<number, OdooRecord>();
  for (const e of existing) byId.set(Number(e.id), e);

  // 2. Index candidates by normalised stored value.
  const index: Array<Map<string | number, Set<number>>> = keys.map((k, j) => {
    const m = new Map<string | number, Set<number>>();
    for (const e of existing) {
      const n = norms[j].fn(e[k]);
      if (n === undefined) continue;
      let s = m.get(n);
      if (!s) m.set(n, (s = new Set()));
      s.add(Number(e.id));
    }
    return m;
  });

  // 3. Match each record to an existing id, a new group, or ambiguous.
  const target: Array<{ kind: 'existing'; id: number } | { kind: 'new'; group: number } | { kind: 'ambiguous' }> = [];
  const newGroups: Array<{ members: number[] }> = [];
  const newIndex: Array<Map<string | number, number>> = keys.map(() => new Map());
  records.forEach((_r, i) => {
    const nv = recNorm[i];
    let decided: (typeof target)[number] | undefined;
    if (mode === 'all') {
      if (nv.every((v) => v !== undefined)) {
        let cands: Set<number> | undefined;
        keys.forEach((_k, j) => {
          const s = index[j].get(nv[j] as string | number) ?? new Set<number>();
          cands = cands ? new Set([...cands].filter((x) => s.has(x))) : new Set(s);
        });
        const c = [...(cands ?? [])];
        if (c.length === 1) decided = { kind: 'existing', id: c[0] };
        else if (c.length > 1) {
          result.ambiguous.push({ index: i, key: keys.join('+'), value: keys.map((k) => records[i][k]), candidates: c.sort((a, b) => a - b) });
          decided = { kind: 'ambiguous' };
        }
      }
    } else {
      for (let j = 0; j < keys.length && !decided; j++) {
        if (nv[j] === undefined) continue;
        const c = [...(index[j].get(nv[j] as string | number) ?? [])];
        if (c.length === 1) decided = { kind: 'existing', id: c[0] };
        else if (c.length > 1) {
          result.ambiguous.push({ index: i, key: keys[j], value: records[i][keys[j]], candidates: c.sort((a, b) => a - b) });
          decided = { kind: 'ambiguous' };
        }
      }
    }
    if (!decided) {
      // New record: does an earlier new record of this batch carry the same key value?
      let group: number | undefined;
      if (mode === 'all') {
        if (nv.every((v) => v !== undefined)) group = newIndex[0].get(JSON.stringify(nv));
      } else {
        for (let j = 0; j < keys.length && group === undefined; j++) if (nv[j] !== undefined) group = newIndex[j].get(nv[j] as string | number);
      }
      if (group === undefined) {
        group = newGroups.length;
        newGroups.push({ members: [] });
      }
      newGroups[group].members.push(i);
      if (mode === 'all') {
        if (nv.every((v) => v !== undefined)) newIndex[0].set(JSON.stringify(nv), group);
      } else {
        keys.forEach((_k, j) => {
          if (nv[j] !== undefined && !newIndex[j].has(nv[j] as string | number)) newIndex[j].set(nv[j] as string | number, group as number);
        });
      }
      decided = { kind: 'new', group };
    }
    target.push(decided);
  });

  // 4. Writes for changed existing records, grouped by identical changes.
  const mergedExisting = new Map<number, { vals: OdooRecord; members: number[] }>();
  target.forEach((t, i) => {
    if (t.kind !== 'existing') return;
    let m = mergedExisting.get(t.id);
    if (!m) mergedExisting.set(t.id, (m = { vals: {}, members: [] }));
    Object.assign(m.vals, plainValues(records[i]));
    m.members.push(i);
  });
  const writeGroups = new Map<string, { ids: number[]; vals: OdooRecord }>();
  const changed = new Set<number>();
  for (const [id, m] of mergedExisting) {
    const stored = byId.get(id) as OdooRecord;
    const diff: OdooRecord = {};
    for (const [k, v] of Object.entries(m.vals)) if (!sameValue(stored[k], v)) diff[k] = v;
    if (!Object.keys(diff).length) continue;
    changed.add(id);
    const gk = stableKey(diff);
    let g = writeGroups.get(gk);
    if (!g) writeGroups.set(gk, (g = { ids: [], vals: diff }));
    g.ids.push(id);
  }
  for (const g of writeGroups.values()) {
    await client.executeKw(model, 'write', [g.ids, g.vals], hasContext ? { context } : {});
  }

  // 5. One create for the new records.
  const createVals = newGroups.map((g) => {
    const vals: OdooRecord = {};
    for (const i of g.members) Object.assign(vals, plainValues(records[i]));
    return vals;
  });
  const newIds = createVals.length ? await client.createMany(model, createVals, { batchSize: opts.batchSize, context: hasContext ? context : undefined }) : [];

  // 6. Result in input order.
  const seenCreated = new Set<number>();
  const seenUpdated = new Set<number>();
  const seenUnchanged = new Set<number>();
  target.forEach((t, i) => {
    if (t.kind === 'ambiguous') {
      result.actions.push('ambiguous');
      return;
    }
    if (t.kind === 'new') {
      const id = newIds[t.group];
      result.ids[i] = id;
      result.actions.push('created');
      if (!seenCreated.has(id)) result.created.push(id);
      seenCreated.add(id);
      return;
    }
    result.ids[i] = t.id;
    if (changed.has(t.id)) {
      result.actions.push('updated');
      if (!seenUpdated.has(t.id)) result.updated.push(t.id);
      seenUpdated.add(t.id);
    } else {
      result.actions.push('unchanged');
      if (!seenUnchanged.has(t.id)) result.unchanged.push(t.id);
      seenUnchanged.add(t.id);
    }
  });
  return result;
}
