/**
 * Retry classification and redelivery policy. Names follow Apache Camel's RedeliveryPolicy
 * (redeliveryDelay, backOffMultiplier, maximumRedeliveryDelay, collisionAvoidanceFactor) and the
 * contract in docs/architecture.md: an error is transient when `cause.retryable === true`, its code is a
 * network code, or the HTTP status (msg.statusCode / cause.status) is 408, 425, 429 or 5xx; an explicit
 * `cause.retryable === false` is permanent whatever the status. `cause.retryAfterMs` (Retry-After) is
 * honoured as a lower bound on the delay.
 */
export const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);

export interface RetryPolicy {
  /** Total attempts including the first (Camel maximumRedeliveries + 1). 0 = unlimited (bounded by maxTotalMs). */
  maxAttempts: number;
  /** Give up when the next attempt would start later than firstAttemptAt + maxTotalMs. 0 = no limit. */
  maxTotalMs: number;
  /** Delay before the first redelivery (Camel redeliveryDelay). */
  redeliveryDelay: number;
  /** Exponential factor per redelivery (Camel backOffMultiplier; 1 = constant delay). */
  backOffMultiplier: number;
  /** Cap on one delay (Camel maximumRedeliveryDelay). */
  maximumRedeliveryDelay: number;
  /** Jitter: the delay is spread uniformly over ±factor (Camel collisionAvoidanceFactor, 0.15). */
  collisionAvoidanceFactor: number;
}

export const DEFAULT_POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxTotalMs: 15 * 60_000,
  redeliveryDelay: 1000,
  backOffMultiplier: 2,
  maximumRedeliveryDelay: 60_000,
  collisionAvoidanceFactor: 0.15,
};

export interface ErrorLike {
  message?: unknown;
  code?: unknown;
  cause?: { retryable?: unknown; status?: unknown; retryAfterMs?: unknown; type?: unknown } | unknown;
}

export interface Classification {
  retryable: boolean;
  /** Why (for history and dead letters). */
  reason: string;
  code?: string;
  status?: number;
  retryAfterMs?: number;
}

function retryableStatus(s: number): boolean {
  return s === 408 || s === 425 || s === 429 || (s >= 500 && s <= 599);
}

export function classify(error: ErrorLike | undefined | null, statusCode?: unknown): Classification {
  const cause = (error && typeof error.cause === 'object' && error.cause !== null ? error.cause : {}) as {
    retryable?: unknown;
    status?: unknown;
    retryAfterMs?: unknown;
  };
  const code = error && typeof error.code === 'string' ? error.code : undefined;
  const statusRaw = cause.status ?? statusCode;
  const status = statusRaw !== undefined && statusRaw !== null && Number.isFinite(Number(statusRaw)) ? Number(statusRaw) : undefined;
  const retryAfterMs = Number.isFinite(Number(cause.retryAfterMs)) && Number(cause.retryAfterMs) > 0 ? Number(cause.retryAfterMs) : undefined;
  const base: Classification = { retryable: false, reason: 'permanent error' };
  if (code) base.code = code;
  if (status !== undefined) base.status = status;
  if (retryAfterMs !== undefined) base.retryAfterMs = retryAfterMs;
  if (cause.retryable === false) return { ...base, retryable: false, reason: 'error marked not retryable' };
  if (cause.retryable === true) return { ...base, retryable: true, reason: 'error marked retryable' };
  if (code && NETWORK_CODES.has(code)) return { ...base, retryable: true, reason: `network error ${code}` };
  if (status !== undefined && retryableStatus(status)) return { ...base, retryable: true, reason: `HTTP ${status}` };
  if (status !== undefined) return { ...base, reason: `HTTP ${status}` };
  return base;
}

/**
 * Delay before redelivery number `redelivery` (1 = first retry). `random` in [0,1) for jitter.
 */
export function redeliveryDelay(policy: RetryPolicy, redelivery: number, random: number = Math.random(), retryAfterMs?: number): number {
  const exp = policy.redeliveryDelay * Math.pow(Math.max(1, policy.backOffMultiplier), Math.max(0, redelivery - 1));
  let delay = Math.min(exp, policy.maximumRedeliveryDelay);
  const f = Math.min(1, Math.max(0, policy.collisionAvoidanceFactor));
  if (f > 0) delay = delay * (1 - f + 2 * f * random);
  delay = Math.round(delay);
  if (retryAfterMs !== undefined) delay = Math.max(delay, Math.ceil(retryAfterMs));
  return Math.max(0, delay);
}

export type Decision =
  | { action: 'retry'; delayMs: number; dueAt: number; reason: string }
  | { action: 'dead'; reason: string };

/**
 * What to do after attempt number `attempt` (1-based) failed with `classification`.
 * `firstAttemptAt` is when the first attempt started.
 */
export function decide(
  policy: RetryPolicy,
  attempt: number,
  firstAttemptAt: number,
  classification: Classification,
  now: number = Date.now(),
  random: number = Math.random(),
): Decision {
  if (!classification.retryable) return { action: 'dead', reason: classification.reason };
  if (policy.maxAttempts > 0 && attempt >= policy.maxAttempts) {
    return { action: 'dead', reason: `Max. retries (${policy.maxAttempts} attempts) reached: ${classification.reason}` };
  }
  const delayMs = redeliveryDelay(policy, attempt, random, classification.retryAfterMs);
  const dueAt = now + delayMs;
  if (policy.maxTotalMs > 0 && dueAt - firstAttemptAt > policy.maxTotalMs) {
    return { action: 'dead', reason: `retry time limit (${policy.maxTotalMs} ms) reached: ${classification.reason}` };
  }
  return { action: 'retry', delayMs, dueAt, reason: classification.reason };
}

/** Policy from node properties, with bounds. */
export function policyFrom(input: Partial<Record<keyof RetryPolicy, unknown>>): RetryPolicy {
  const num = (v: unknown, d: number, min = 0) => {
    const n = Number(v);
    return v === '' || v === undefined || v === null || !Number.isFinite(n) ? d : Math.max(min, n);
  };
  return {
    maxAttempts: Math.floor(num(input.maxAttempts, DEFAULT_POLICY.maxAttempts)),
    maxTotalMs: num(input.maxTotalMs, DEFAULT_POLICY.maxTotalMs),
    redeliveryDelay: num(input.redeliveryDelay, DEFAULT_POLICY.redeliveryDelay),
    backOffMultiplier: num(input.backOffMultiplier, DEFAULT_POLICY.backOffMultiplier, 1),
    maximumRedeliveryDelay: num(input.maximumRedeliveryDelay, DEFAULT_POLICY.maximumRedeliveryDelay),
    collisionAvoidanceFactor: Math.min(1, num(input.collisionAvoidanceFactor, DEFAULT_POLICY.collisionAvoidanceFactor)),
  };
}
