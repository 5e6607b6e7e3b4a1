/** Small helpers shared by the provider modules. */
import crypto from 'crypto';

/** Header value by case-insensitive name (first value of a repeated header). */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== lower) continue;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** Constant-time comparison of two strings (false on different lengths without leaking where). */
export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ba.length !== bb.length) {
    crypto.timingSafeEqual(ba, ba);
    return false;
  }
  return crypto.timingSafeEqual(ba, bb);
}

export function hmac(algorithm: 'sha256' | 'sha1', key: string, data: string | Buffer, encoding: 'hex' | 'base64'): string {
  return crypto.createHmac(algorithm, key).update(data).digest(encoding);
}

/** Epoch ms from epoch numbers/strings, ISO dates, or Pipedrive's "YYYY-MM-DD HH:MM:SS" (UTC). */
export function toMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const s = value.trim();
  if (/^\d{9,}$/.test(s)) return Number(s);
  const t = Date.parse(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(s) ? `${s.replace(' ', 'T')}Z` : s);
  return Number.isNaN(t) ? undefined : t;
}

export function toIso(value: unknown, fallback = Date.now()): string {
  return new Date(toMs(value) ?? fallback).toISOString();
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** JSON.parse that reports failure as undefined + message instead of throwing. */
export function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export function plainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
