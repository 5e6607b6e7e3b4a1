/**
 * Change polling of one model by a (write_date, id) cursor, and field tracking. No Node-RED here.
 *
 * Odoo sets write_date to the START of the writing transaction (odoo-api.md §5.4), so a record
 * committed after a poll may carry a write_date older than the cursor. Each poll therefore asks for
 * write_date >= cursor - overlap and skips what it already emitted, remembered as (id, write_date)
 * pairs for the overlap window. Records written in the same second are neither skipped (>=, not >)
 * nor repeated (the pairs). The state lives in a StateStore, so restarts keep both.
 */
import crypto from 'crypto';
import type { StateStore } from '../state/types';
import type { OdooClient, OdooRecord } from './client';

export interface PollerOptions {
  model: string;
  domain?: unknown[];
  /** Fields to read (write_date and id are always added). Empty = all. */
  fields?: string[];
  /** State key (one per trigger node). */
  key: string;
  /** Overlap window in seconds (default 60). */
  overlapS?: number;
  /** Records per search_read (default 200). */
  pageSize?: number;
  /** Pages per poll at most (default 10): the rest comes with the next poll. */
  maxPages?: number;
  /** First run: 'now' (only changes from now on) or 'all' (every matching record). Default 'now'. */
  since?: 'now' | 'all';
  context?: Record<string, unknown>;
  /** Field tracking: only records where one of these changed are reported. */
  trackFields?: string[];
}

export interface PollState {
  /** Odoo datetime "YYYY-MM-DD HH:MM:SS" of the newest record seen, or '' before any. */
  writeDate: string;
  id: number;
  /** "id@write_date@hash" of the records already reported in the overlap window. */
  seen: string[];
}

export interface Change {
  record: OdooRecord;
  /** With field tracking: the previous values of the tracked fields that changed (null at first sight). */
  previous?: Record<string, unknown> | null;
  /** With field tracking: the tracked fields that changed. */
  changed?: string[];
}

export const POLL_NS = 'odoo-trigger';
export const TRACK_NS = 'odoo-trigger-track';

function toOdoo(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

export function shiftOdooDatetime(s: string, seconds: number): string {
  const d = new Date(s.replace(' ', 'T') + 'Z');
  if (isNaN(d.getTime())) return s;
  return toOdoo(new Date(d.getTime() + seconds * 1000));
}

/** Seen key: id, write_date and a short hash of the values read, so a second change in the same second (same write_date) is still reported. */
export function seenKey(r: OdooRecord): string {
  const h = crypto.createHash('sha1').update(JSON.stringify(r)).digest('base64').slice(0, 10);
  return `${r.id}@${r.write_date}@${h}`;
}

function seenDate(k: string): string {
  const a = k.indexOf('@');
  const b = k.lastIndexOf('@');
  return k.slice(a + 1, b > a ? b : undefined);
}

function sameTracked(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? false) === JSON.stringify(b ?? false);
}

export class OdooPoller {
  constructor(private readonly client: OdooClient, private readonly store: StateStore, private readonly opts: PollerOptions) {}

  private get fields(): string[] | undefined {
    const f = this.opts.fields;
    if (!f || !f.length) return undefined;
    const all = new Set([...f, 'write_date', 'id', ...(this.opts.trackFields ?? [])]);
    return [...all];
  }

  async state(): Promise<PollState | undefined> {
    return this.store.get<PollState>(POLL_NS, this.opts.key);
  }

  async reset(): Promise<void> {
    await this.store.delete(POLL_NS, this.opts.key);
  }

  /** Set the cursor to the newest existing record, so only later changes are reported. */
  private async initNow(): Promise<PollState> {
    const domain = this.opts.domain ?? [];
    const newest = await this.client.searchRead(this.opts.model, domain, { fields: ['write_date'], limit: 1, order: 'write_date desc, id desc', context: this.opts.context });
    if (!newest.length) return { writeDate: '', id: 0, seen: [] };
    const wd = String(newest[0].write_date);
    const from = shiftOdooDatetime(wd, -(this.opts.overlapS ?? 60));
    const inWindow = await this.client.searchRead(this.opts.model, [['write_date', '>=', from], ...domain], { fields: this.fields, order: 'write_date asc, id asc', context: this.opts.context });
    // Tracked values of the records already there are not known: they are learned at their first change.
    return { writeDate: wd, id: Number(newest[0].id), seen: inWindow.map(seenKey) };
  }

  /** One poll: the changes since the last one, oldest first. The state is saved before returning. */
  async poll(): Promise<Change[]> {
    const { model } = this.opts;
    const domain = this.opts.domain ?? [];
    const overlap = this.opts.overlapS ?? 60;
    const pageSize = Math.max(1, this.opts.pageSize ?? 200);
    const maxPages = Math.max(1, this.opts.maxPages ?? 10);
    let state = await this.state();
    if (!state) {
      if ((this.opts.since ?? 'now') === 'now') {
        state = await this.initNow();
        await this.store.set(POLL_NS, this.opts.key, state);
        return [];
      }
      state = { writeDate: '', id: 0, seen: [] };
    }
    const seen = new Set(state.seen);
    const fresh: OdooRecord[] = [];
    let cursorWd = state.writeDate;
    let cursorId = state.id;
    let after: { wd: string; id: number } | undefined;
    for (let page = 0; page < maxPages; page++) {
      let cond: unknown[];
      if (after) cond = ['|', ['write_date', '>', after.wd], '&', ['write_date', '=', after.wd], ['id', '>', after.id]];
      else if (state.writeDate) cond = [['write_date', '>=', shiftOdooDatetime(state.writeDate, -overlap)]];
      else cond = [];
      const rows = await this.client.searchRead(model, [...cond, ...domain], { fields: this.fields, limit: pageSize, order: 'write_date asc, id asc', context: this.opts.context });
      for (const r of rows) {
        const wd = String(r.write_date);
        const k = seenKey(r);
        if (wd > cursorWd || (wd === cursorWd && Number(r.id) > cursorId)) {
          cursorWd = wd;
          cursorId = Number(r.id);
        }
        if (seen.has(k)) continue;
        seen.add(k);
        fresh.push(r);
      }
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1];
      after = { wd: String(last.write_date), id: Number(last.id) };
    }
    const changes = await this.track(fresh);
    const floor = cursorWd ? shiftOdooDatetime(cursorWd, -overlap) : '';
    const keep = [...seen].filter((k) => seenDate(k) >= floor);
    await this.store.set<PollState>(POLL_NS, this.opts.key, { writeDate: cursorWd, id: cursorId, seen: keep });
    return changes;
  }

  /** Field tracking over records (from a poll or a webhook): keep those whose tracked fields changed. */
  async track(records: OdooRecord[]): Promise<Change[]> {
    const tf = this.opts.trackFields ?? [];
    if (!tf.length) return records.map((record) => ({ record }));
    const out: Change[] = [];
    for (const record of records) {
      const k = `${this.opts.key}:${record.id}`;
      const prev = await this.store.get<Record<string, unknown>>(TRACK_NS, k);
      const now: Record<string, unknown> = {};
      for (const f of tf) if (f in record) now[f] = record[f];
      if (!prev) {
        await this.store.set(TRACK_NS, k, now);
        out.push({ record, previous: null, changed: Object.keys(now) });
        continue;
      }
      const changed = Object.keys(now).filter((f) => !sameTracked(prev[f], now[f]));
      if (!changed.length) continue;
      await this.store.set(TRACK_NS, k, { ...prev, ...now });
      const previous: Record<string, unknown> = {};
      for (const f of changed) previous[f] = prev[f] ?? false;
      out.push({ record, previous, changed });
    }
    return out;
  }
}
