/**
 * HubSpot CRM search (POST /crm/v3/objects/{type}/search): filterGroups (OR of ANDed filters),
 * one sort, `query`, `after` offset paging, limit <= 200, HubSpot's limits on groups and filters.
 */
import type { CrmDb, CrmRecord } from './db';
import { parseTime } from './db';
import type { ObjectType } from './schema';

export interface Filter {
  propertyName: string;
  operator: string;
  value?: unknown;
  values?: unknown[];
  highValue?: unknown;
}

export interface SearchRequest {
  filterGroups?: Array<{ filters?: Filter[] }>;
  sorts?: Array<{ propertyName: string; direction?: string } | string>;
  query?: string;
  properties?: string[];
  limit?: number;
  after?: string | number;
}

export class SearchError extends Error {}

const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);
const QUERY_PROPS: Partial<Record<ObjectType, string[]>> = {
  companies: ['name', 'domain', 'phone', 'website'],
  contacts: ['firstname', 'lastname', 'email', 'phone', 'company'],
  deals: ['dealname'],
  tickets: ['subject', 'content'],
  products: ['name', 'hs_sku', 'description'],
  line_items: ['name', 'hs_sku'],
};

function valueOf(record: CrmRecord, name: string): string | undefined {
  if (name === 'hs_object_id' || name === 'id') return record.id;
  const v = record.properties[name];
  return v === undefined || v === '' ? undefined : v;
}

/** Compare the way HubSpot does for the property type: dates and numbers numerically, strings case-insensitively. */
function compare(db: CrmDb, type: ObjectType, name: string, stored: string, wanted: unknown): number {
  const def = db.property(type, name);
  const w = String(wanted);
  if (def?.type === 'datetime' || def?.type === 'date') {
    const a = parseTime(stored);
    const b = parseTime(w);
    if (a !== undefined && b !== undefined) return a - b;
  }
  if (def?.type === 'number' || name === 'hs_object_id' || name === 'id') {
    const a = Number(stored);
    const b = Number(w);
    if (Number.isFinite(a) && Number.isFinite(b)) return a - b;
  }
  return stored.toLowerCase().localeCompare(w.toLowerCase());
}

function tokenMatch(stored: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.toLowerCase().split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  const tokens = stored.toLowerCase().split(/[^\p{L}\p{N}@._-]+/u).filter(Boolean);
  return tokens.some((t) => re.test(t)) || re.test(stored.toLowerCase());
}

function matches(db: CrmDb, type: ObjectType, record: CrmRecord, f: Filter): boolean {
  const stored = valueOf(record, f.propertyName);
  switch (f.operator) {
    case 'HAS_PROPERTY': return stored !== undefined;
    case 'NOT_HAS_PROPERTY': return stored === undefined;
    case 'EQ': return stored !== undefined && compare(db, type, f.propertyName, stored, f.value) === 0;
    case 'NEQ': return stored === undefined || compare(db, type, f.propertyName, stored, f.value) !== 0;
    case 'LT': return stored !== undefined && compare(db, type, f.propertyName, stored, f.value) < 0;
    case 'LTE': return stored !== undefined && compare(db, type, f.propertyName, stored, f.value) <= 0;
    case 'GT': return stored !== undefined && compare(db, type, f.propertyName, stored, f.value) > 0;
    case 'GTE': return stored !== undefined && compare(db, type, f.propertyName, stored, f.value) >= 0;
    case 'BETWEEN': return stored !== undefined && compare(db, type, f.propertyName, stored, f.value) >= 0 && compare(db, type, f.propertyName, stored, f.highValue) <= 0;
    case 'IN': return stored !== undefined && (f.values ?? []).some((v) => compare(db, type, f.propertyName, stored, v) === 0);
    case 'NOT_IN': return stored === undefined || !(f.values ?? []).some((v) => compare(db, type, f.propertyName, stored, v) === 0);
    case 'CONTAINS_TOKEN': return stored !== undefined && tokenMatch(stored, String(f.value ?? ''));
    case 'NOT_CONTAINS_TOKEN': return stored === undefined || !tokenMatch(stored, String(f.value ?? ''));
    default: return false;
  }
}

export function search(db: CrmDb, type: ObjectType, req: SearchRequest): { total: number; results: CrmRecord[]; after?: string } {
  const groups = req.filterGroups ?? [];
  if (groups.length > 5) throw new SearchError('Search request may include at most 5 filterGroups.');
  const filterCount = groups.reduce((n, g) => n + (g.filters?.length ?? 0), 0);
  if (groups.some((g) => (g.filters?.length ?? 0) > 6) || filterCount > 18) {
    throw new SearchError('Search request may include at most 6 filters per filterGroup and 18 filters in total.');
  }
  for (const g of groups) {
    for (const f of g.filters ?? []) {
      if (!f || typeof f.propertyName !== 'string') throw new SearchError('Each filter needs a propertyName.');
      if (!OPERATORS.has(f.operator)) throw new SearchError(`Unable to parse operator: ${String(f.operator)}`);
      if (f.propertyName !== 'id' && !db.property(type, f.propertyName) && f.propertyName !== 'lastmodifieddate') {
        throw new SearchError(`Property ${f.propertyName} does not exist on ${type}`);
      }
    }
  }
  const limit = req.limit === undefined ? 10 : Number(req.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new SearchError(`limit must be between 1 and 200 (was ${String(req.limit)})`);
  const offset = req.after === undefined || req.after === '' ? 0 : Number(req.after);
  if (!Number.isInteger(offset) || offset < 0) throw new SearchError(`after must be a non-negative integer (was ${String(req.after)})`);
  if (offset + limit > 10000) throw new SearchError('The search API cannot page past 10,000 results; narrow the filters.');

  const q = req.query?.trim().toLowerCase();
  let rows = db.all(type).filter((r) =>
    (groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => matches(db, type, r, f)))) &&
    (!q || (QUERY_PROPS[type] ?? ['name']).some((p) => (r.properties[p] ?? '').toLowerCase().includes(q))),
  );
  const sort = req.sorts?.[0];
  if (sort) {
    const name = typeof sort === 'string' ? sort.replace(/^-/, '') : sort.propertyName;
    const desc = typeof sort === 'string' ? sort.startsWith('-') : (sort.direction ?? 'ASCENDING').toUpperCase() === 'DESCENDING';
    rows = rows.slice().sort((a, b) => {
      const va = valueOf(a, name);
      const vb = valueOf(b, name);
      let c: number;
      if (va === undefined && vb === undefined) c = 0;
      else if (va === undefined) c = 1;
      else if (vb === undefined) c = -1;
      else c = compare(db, type, name, va, vb);
      if (desc) c = -c;
      return c !== 0 ? c : Number(a.id) - Number(b.id);
    });
  }
  const page = rows.slice(offset, offset + limit);
  const next = offset + limit < rows.length ? String(offset + limit) : undefined;
  return { total: rows.length, results: page, after: next };
}
