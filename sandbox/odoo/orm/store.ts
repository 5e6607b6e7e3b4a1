/**
 * In-memory tables with a journal for all-or-nothing calls. Rows are immutable objects: a write
 * replaces the row, so readers never copy and a rollback just puts the old objects back.
 */
import type { Row } from './schema';

export type MutableRow = { id: number; [field: string]: unknown };

export interface Table {
  rows: Map<number, Row>;
  nextId: number;
  /** many2one value indexes: field -> target id -> set of ids (built lazily) */
  indexes: Map<string, Map<unknown, Set<number>>>;
}

type JournalEntry =
  | { kind: 'row'; model: string; id: number; old: Row | undefined }
  | { kind: 'nextId'; model: string; old: number }
  | { kind: 'kv'; map: Map<string, unknown>; key: string; old: unknown; had: boolean };

export class Store {
  readonly tables = new Map<string, Table>();
  /** sequences: code -> last number; xmlids: 'module.name' -> [model, id] */
  readonly sequences = new Map<string, unknown>();
  readonly xmlids = new Map<string, unknown>();
  private journal: JournalEntry[] | null = null;
  /** Incremented on every change; lets caches know when to drop. */
  generation = 0;

  table(model: string): Table {
    let t = this.tables.get(model);
    if (!t) {
      t = { rows: new Map(), nextId: 1, indexes: new Map() };
      this.tables.set(model, t);
    }
    return t;
  }

  get inTransaction(): boolean {
    return this.journal !== null;
  }

  begin(): void {
    if (this.journal) throw new Error('nested transaction');
    this.journal = [];
  }

  commit(): void {
    this.journal = null;
  }

  rollback(): void {
    const j = this.journal;
    this.journal = null;
    if (!j) return;
    const reinserted = new Set<Table>();
    for (let i = j.length - 1; i >= 0; i--) {
      const e = j[i];
      if (e.kind === 'row') {
        const t = this.table(e.model);
        const cur = t.rows.get(e.id);
        if (e.old) {
          if (!cur) reinserted.add(t);
          t.rows.set(e.id, e.old);
        } else t.rows.delete(e.id);
        this.reindex(t, e.id, cur, e.old);
      } else if (e.kind === 'nextId') {
        this.table(e.model).nextId = e.old;
      } else if (e.had) e.map.set(e.key, e.old);
      else e.map.delete(e.key);
    }
    for (const t of reinserted) sortRows(t);
    this.generation++;
  }

  allocId(model: string): number {
    const t = this.table(model);
    this.journal?.push({ kind: 'nextId', model, old: t.nextId });
    return t.nextId++;
  }

  /** Insert or replace a row (the object is stored as given; never mutate it afterwards). */
  put(model: string, row: Row): void {
    const t = this.table(model);
    const old = t.rows.get(row.id);
    this.journal?.push({ kind: 'row', model, id: row.id, old });
    t.rows.set(row.id, row);
    if (row.id >= t.nextId) {
      this.journal?.push({ kind: 'nextId', model, old: t.nextId });
      t.nextId = row.id + 1;
    } else if (!old && row.id < t.nextId - 1) sortRows(t);
    this.reindex(t, row.id, old, row);
    this.generation++;
  }

  delete(model: string, id: number): void {
    const t = this.table(model);
    const old = t.rows.get(id);
    if (!old) return;
    this.journal?.push({ kind: 'row', model, id, old });
    t.rows.delete(id);
    this.reindex(t, id, old, undefined);
    this.generation++;
  }

  setKv(map: Map<string, unknown>, key: string, value: unknown): void {
    this.journal?.push({ kind: 'kv', map, key, old: map.get(key), had: map.has(key) });
    map.set(key, value);
  }

  /** ids whose `field` equals `value` (many2one indexes), built on first use. */
  lookup(model: string, field: string, value: unknown): ReadonlySet<number> {
    const t = this.table(model);
    let idx = t.indexes.get(field);
    if (!idx) {
      idx = new Map();
      for (const row of t.rows.values()) addIdx(idx, row[field], row.id);
      t.indexes.set(field, idx);
    }
    return idx.get(norm(value)) ?? EMPTY;
  }

  private reindex(t: Table, id: number, before: Row | undefined, after: Row | undefined): void {
    for (const [field, idx] of t.indexes) {
      const a = before ? before[field] : undefined;
      const b = after ? after[field] : undefined;
      if (before && after && a === b) continue;
      if (before) idx.get(norm(a))?.delete(id);
      if (after) addIdx(idx, b, id);
    }
  }
}

const EMPTY: ReadonlySet<number> = new Set();

/** Keep a table's iteration order = id order (search relies on it for the default order). */
function sortRows(t: Table): void {
  const rows = [...t.rows.values()].sort((a, b) => a.id - b.id);
  t.rows.clear();
  for (const r of rows) t.rows.set(r.id, r);
}

function norm(value: unknown): unknown {
  return value === undefined || value === null ? false : value;
}

function addIdx(idx: Map<unknown, Set<number>>, value: unknown, id: number): void {
  const key = norm(value);
  let s = idx.get(key);
  if (!s) {
    s = new Set();
    idx.set(key, s);
  }
  s.add(id);
}
