/**
 * Idempotent-consumer helpers (Camel idempotentConsumer: eager claim before processing, skipDuplicate,
 * removeOnFailure via release). Keys come from a mustache template or a msg path; content mode hashes
 * chosen fields so an unchanged update for a known key is a duplicate too.
 */
import crypto from 'crypto';
import Mustache from 'mustache';
import { getPath, parsePath } from '../mapping/paths';

const RENDER_OPTS: Mustache.RenderOptions = {
  escape: (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)),
};

export type KeyType = 'template' | 'path';

/** Returns a function msg -> key ('' or undefined when the key cannot be built). */
export function keyFunction(keyType: KeyType, key: string): (msg: unknown) => string | undefined {
  if (keyType === 'path') {
    const p = parsePath(key);
    return (msg) => {
      const v = getPath(msg, p);
      if (v === undefined || v === null || v === '') return undefined;
      return typeof v === 'object' ? stableStringify(v) : String(v);
    };
  }
  Mustache.parse(key);
  const vars = templateVariables(key);
  return (msg) => {
    // A template whose every variable is missing would give the same key for every message.
    if (vars.length && vars.every((v) => getPathLoose(msg, v) === undefined)) return undefined;
    const s = Mustache.render(key, msg, {}, RENDER_OPTS);
    return s === '' ? undefined : s;
  };
}

function getPathLoose(msg: unknown, p: string): unknown {
  try {
    return getPath(msg, p);
  } catch {
    return undefined;
  }
}

function templateVariables(template: string): string[] {
  const out: string[] = [];
  const walk = (tokens: unknown[]) => {
    for (const t of tokens as Array<[string, string, number, number, unknown[]?]>) {
      if (t[0] === 'name' || t[0] === '&' || t[0] === '#' || t[0] === '^') out.push(t[1]);
      if (Array.isArray(t[4])) walk(t[4]);
    }
  };
  walk(Mustache.parse(template) as unknown[]);
  return out.filter((v) => v !== '.');
}

/** JSON with sorted keys, so equal content hashes equally whatever the key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const keys = Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** SHA-1 of the chosen fields (msg paths); all of msg.payload when none are given. */
export function contentHash(msg: unknown, fields: string[]): string {
  const picked: Record<string, unknown> = {};
  if (fields.length === 0) picked.payload = getPath(msg, 'payload');
  else for (const f of fields) picked[f] = getPath(msg, f);
  return crypto.createHash('sha1').update(stableStringify(picked)).digest('hex');
}

const UNIT_MS: Record<string, number> = { ms: 1, milliseconds: 1, s: 1000, seconds: 1000, m: 60_000, minutes: 60_000, h: 3_600_000, hours: 3_600_000, d: 86_400_000, days: 86_400_000 };

export function toMs(value: unknown, units: string): number {
  const n = Number(value);
  const factor = UNIT_MS[units] ?? 1000;
  return Number.isFinite(n) && n > 0 ? Math.round(n * factor) : 0;
}
