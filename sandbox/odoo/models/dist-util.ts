/** Helpers shared by the distribution model modules (product, stock, sale, account). */
import type { ConstraintDef, Env, Row } from '../orm/schema';

export function idOf(v: unknown): number | false {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return false;
}

export function idsOf(v: unknown): number[] {
  return Array.isArray(v) ? (v as unknown[]).filter((x): x is number => typeof x === 'number') : [];
}

/** Odoo's float_round with HALF-UP on the given precision (2 for currency amounts). */
export function roundTo(value: number, digits = 2): number {
  const f = 10 ** digits;
  const v = Math.round(Math.abs(value) * f + 1e-9 * f) / f;
  return value < 0 ? -v : v;
}

export function isZero(value: number, digits = 2): boolean {
  return Math.abs(roundTo(value, digits)) < 10 ** -digits / 2;
}

/**
 * The ORM has no create/write override hook, so work Odoo does in create()/write() overrides runs
 * as a post-save constraint on the fields that trigger it. Every such function must be idempotent
 * (it may run again after its own writes).
 */
export function afterSave(fields: string[], fn: (env: Env, ids: number[]) => void): ConstraintDef {
  return { fields, check: fn };
}

export function companyOf(env: Env): number {
  return env.user().companyId;
}

export function companyCurrency(env: Env, companyId?: number | false): number | false {
  const cid = companyId || companyOf(env);
  const company = env.sudo().model('res.company').row(cid);
  return company ? idOf(company.currency_id) : false;
}

export function rowsBy(env: Env, model: string, domain: unknown[]): Row[] {
  const m = env.sudo().withContext({ active_test: false }).model(model);
  return m.rows(m.search(domain));
}

/** 'YYYY-MM-DD' plus n days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function ctxIds(env: Env): number[] {
  const c = env.context;
  if (Array.isArray(c.active_ids)) return idsOf(c.active_ids);
  if (typeof c.active_id === 'number') return [c.active_id];
  return [];
}
