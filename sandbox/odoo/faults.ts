/**
 * Fault injection for the Odoo sandbox: added latency, a share of calls failing with 5xx or a
 * connection reset, 429 with Retry-After (as a share of calls or as a real per-second limit),
 * Odoo's concurrent-update error on object calls, and a full outage window.
 * Off by default. Shares are drawn from a seeded PRNG so that a test run is repeatable.
 * Applies to the Odoo API routes only (/xmlrpc, /jsonrpc, /json/2, /web/version), never to /sandbox/*.
 */

export interface FaultConfig {
  /** Added latency per call in ms. */
  latencyMs: number;
  /** Extra random latency in [0, latencyJitterMs). */
  latencyJitterMs: number;
  /** Share (0..1) of calls answered with a 5xx status from `failStatuses`. */
  failRate: number;
  /** Statuses used by `failRate`, drawn at random (default [503, 502]). */
  failStatuses: number[];
  /** Share (0..1) of calls whose connection is reset (socket destroyed, no response). */
  resetRate: number;
  /** Share (0..1) of calls answered 429 with Retry-After. */
  rateLimitRate: number;
  /** Real limit: calls beyond this many per second (fixed 1 s window) get 429. 0 = off. */
  rateLimitPerSecond: number;
  /** Retry-After value in seconds sent with 429 (and with 503 during an outage). */
  retryAfterS: number;
  /** Share (0..1) of object calls (execute/execute_kw/JSON-2) failing with Odoo's concurrent-update error. */
  concurrentUpdateRate: number;
  /**
   * 'serialization': psycopg2 SerializationFailure after Odoo's own retries (fault 1, JSON-RPC error, JSON-2 500);
   * 'lock': Odoo 19's LockError (fault 2, JSON-2 409; a UserError on 17/18).
   */
  concurrentUpdateKind: 'serialization' | 'lock';
  /** Outage: every call is refused for this many ms from when it is set; -1 = until cleared; 0 = none. */
  outageMs: number;
  /** How calls are refused during an outage: connection reset, or 503 with Retry-After. */
  outageMode: 'reset' | '503';
  /** PRNG seed; setting it restarts the random sequence. */
  seed: number;
}

export interface FaultStats {
  calls: number;
  delayed: number;
  failed5xx: number;
  resets: number;
  rateLimited: number;
  concurrentUpdates: number;
  outageRejected: number;
}

export type FaultAction =
  | { kind: 'pass' }
  | { kind: 'reset' }
  | { kind: 'status'; status: number; headers: Record<string, string>; reason: string };

export interface FaultDecision {
  delayMs: number;
  action: FaultAction;
}

export const DEFAULT_FAULTS: Readonly<FaultConfig> = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  failRate: 0,
  failStatuses: [503, 502],
  resetRate: 0,
  rateLimitRate: 0,
  rateLimitPerSecond: 0,
  retryAfterS: 1,
  concurrentUpdateRate: 0,
  concurrentUpdateKind: 'serialization',
  outageMs: 0,
  outageMode: 'reset',
  seed: 1,
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHARES = ['failRate', 'resetRate', 'rateLimitRate', 'concurrentUpdateRate'] as const;
const NON_NEG = ['latencyMs', 'latencyJitterMs', 'rateLimitPerSecond', 'retryAfterS'] as const;

/** Validate and normalise a partial config (from flags or the admin endpoint). Throws on bad input. */
export function validateFaults(input: unknown): Partial<FaultConfig> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new Error('fault settings must be a JSON object');
  const out: Partial<FaultConfig> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if ((SHARES as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error(`${key} must be a number between 0 and 1`);
      (out as Record<string, unknown>)[key] = value;
    } else if ((NON_NEG as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) throw new Error(`${key} must be a non-negative number`);
      (out as Record<string, unknown>)[key] = value;
    } else if (key === 'outageMs') {
      if (typeof value !== 'number' || !(value >= 0 || value === -1) || !Number.isFinite(value)) throw new Error('outageMs must be a non-negative number or -1');
      out.outageMs = value;
    } else if (key === 'seed') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error('seed must be a number');
      out.seed = value;
    } else if (key === 'failStatuses') {
      if (!Array.isArray(value) || value.length === 0 || !value.every((s) => Number.isInteger(s) && s >= 500 && s <= 599)) {
        throw new Error('failStatuses must be a non-empty list of 5xx statuses');
      }
      out.failStatuses = [...value];
    } else if (key === 'concurrentUpdateKind') {
      if (value !== 'serialization' && value !== 'lock') throw new Error("concurrentUpdateKind must be 'serialization' or 'lock'");
      out.concurrentUpdateKind = value;
    } else if (key === 'outageMode') {
      if (value !== 'reset' && value !== '503') throw new Error("outageMode must be 'reset' or '503'");
      out.outageMode = value;
    } else {
      throw new Error(`unknown fault setting '${key}'`);
    }
  }
  return out;
}

export class FaultController {
  private config: FaultConfig = { ...DEFAULT_FAULTS, failStatuses: [...DEFAULT_FAULTS.failStatuses] };
  private rand = mulberry32(DEFAULT_FAULTS.seed);
  private outageUntil = 0;
  private windowStart = 0;
  private windowCount = 0;
  readonly stats: FaultStats = { calls: 0, delayed: 0, failed5xx: 0, resets: 0, rateLimited: 0, concurrentUpdates: 0, outageRejected: 0 };

  constructor(initial?: Partial<FaultConfig>, private readonly now: () => number = Date.now) {
    if (initial) this.set(initial);
  }

  /** Merge settings (validated). Setting `seed` restarts the random sequence; setting `outageMs` (re)starts the window. */
  set(partial: Partial<FaultConfig>): FaultConfig {
    const p = validateFaults(partial);
    this.config = { ...this.config, ...p };
    if (p.seed !== undefined) this.rand = mulberry32(p.seed);
    if (p.outageMs !== undefined) {
      this.outageUntil = p.outageMs === -1 ? Infinity : p.outageMs > 0 ? this.now() + p.outageMs : 0;
    }
    return this.get();
  }

  get(): FaultConfig & { outageActive: boolean; outageRemainingMs: number | null; enabled: boolean } {
    const remaining = this.outageUntil === Infinity ? null : Math.max(0, this.outageUntil - this.now());
    const outageActive = this.outageUntil > this.now();
    return { ...this.config, failStatuses: [...this.config.failStatuses], outageActive, outageRemainingMs: outageActive ? remaining : 0, enabled: this.enabled() };
  }

  /** Back to no faults (stats are kept; `resetStats()` clears them). */
  clear(): void {
    this.config = { ...DEFAULT_FAULTS, failStatuses: [...DEFAULT_FAULTS.failStatuses] };
    this.rand = mulberry32(this.config.seed);
    this.outageUntil = 0;
    this.windowCount = 0;
  }

  resetStats(): void {
    for (const k of Object.keys(this.stats) as Array<keyof FaultStats>) this.stats[k] = 0;
  }

  enabled(): boolean {
    const c = this.config;
    return (
      c.latencyMs > 0 || c.latencyJitterMs > 0 || c.failRate > 0 || c.resetRate > 0 || c.rateLimitRate > 0 ||
      c.rateLimitPerSecond > 0 || c.concurrentUpdateRate > 0 || this.outageUntil > this.now()
    );
  }

  /** Decide what happens to one incoming API call (before it is dispatched). */
  decide(): FaultDecision {
    this.stats.calls++;
    const c = this.config;
    const now = this.now();
    if (this.outageUntil > now) {
      this.stats.outageRejected++;
      if (c.outageMode === 'reset') return { delayMs: 0, action: { kind: 'reset' } };
      return { delayMs: 0, action: { kind: 'status', status: 503, headers: { 'Retry-After': String(Math.ceil(c.retryAfterS)) }, reason: 'outage' } };
    }
    let delayMs = c.latencyMs;
    if (c.latencyJitterMs > 0) delayMs += this.rand() * c.latencyJitterMs;
    if (delayMs > 0) this.stats.delayed++;
    if (c.rateLimitPerSecond > 0) {
      const win = Math.floor(now / 1000);
      if (win !== this.windowStart) {
        this.windowStart = win;
        this.windowCount = 0;
      }
      this.windowCount++;
      if (this.windowCount > c.rateLimitPerSecond) return this.rateLimited(delayMs);
    }
    if (c.rateLimitRate > 0 && this.rand() < c.rateLimitRate) return this.rateLimited(delayMs);
    if (c.resetRate > 0 && this.rand() < c.resetRate) {
      this.stats.resets++;
      return { delayMs, action: { kind: 'reset' } };
    }
    if (c.failRate > 0 && this.rand() < c.failRate) {
      this.stats.failed5xx++;
      const statuses = c.failStatuses;
      const status = statuses.length === 1 ? statuses[0] : statuses[Math.floor(this.rand() * statuses.length)];
      return { delayMs, action: { kind: 'status', status, headers: {}, reason: 'fail' } };
    }
    return { delayMs, action: { kind: 'pass' } };
  }

  private rateLimited(delayMs: number): FaultDecision {
    this.stats.rateLimited++;
    return { delayMs, action: { kind: 'status', status: 429, headers: { 'Retry-After': String(Math.ceil(this.config.retryAfterS)) }, reason: 'rate-limit' } };
  }

  /** For an object call: whether to fail it with the concurrent-update error, and which kind. */
  concurrentUpdate(): false | 'serialization' | 'lock' {
    const c = this.config;
    if (c.concurrentUpdateRate > 0 && this.rand() < c.concurrentUpdateRate) {
      this.stats.concurrentUpdates++;
      return c.concurrentUpdateKind;
    }
    return false;
  }
}
