/** Selecting dead letters for replay / discard: by ids, or a filter over reason, code, status and time. */
import type { DeadLetter } from '../state/types';

export interface DeadLetterFilter {
  ids?: string[];
  /** Substring (case-insensitive) of the reason or last error message. */
  reason?: string;
  /** Last error code (e.g. OdooValidationError, ECONNREFUSED). */
  code?: string;
  status?: number;
  /** failedAt bounds, ms since epoch or ISO text. */
  since?: number | string;
  until?: number | string;
  all?: boolean;
}

function time(v: number | string | undefined): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : undefined;
}

/** True when `letter` passes every criterion of `filter` (an empty filter matches everything). */
export function matchesFilter(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (filter.ids && filter.ids.length && !filter.ids.includes(letter.id)) return false;
  const meta = (letter.meta ?? {}) as { code?: unknown; status?: unknown; lastError?: unknown };
  if (filter.reason) {
    const hay = `${letter.reason} ${String(meta.lastError ?? '')}`.toLowerCase();
    if (!hay.includes(filter.reason.toLowerCase())) return false;
  }
  if (filter.code && String(meta.code ?? '') !== filter.code) return false;
  if (filter.status !== undefined && Number(meta.status) !== Number(filter.status)) return false;
  const since = time(filter.since);
  const until = time(filter.until);
  if (since !== undefined && letter.failedAt < since) return false;
  if (until !== undefined && letter.failedAt > until) return false;
  return true;
}

export function selectDeadLetters<T>(letters: DeadLetter<T>[], filter: DeadLetterFilter): DeadLetter<T>[] {
  return letters.filter((l) => matchesFilter(l as DeadLetter, filter));
}
