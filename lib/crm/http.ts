/**
 * The REST plumbing shared by the providers: a client-side rate limiter, JSON requests with a
 * timeout, typed errors, and retries on 429 (honouring Retry-After), 5xx and network failures.
 * Non-idempotent requests (plain POSTs) are retried only when the CRM certainly did not process
 * them: 429 and refused connections.
 */
import { CrmError, CrmNetworkError, CrmRateLimitError, errorForStatus } from './errors';
import type { CrmProviderName } from './types';

/** Sliding-window limiter: at most `max` starts per `intervalMs`; `pauseFor` blocks everyone (server said 429). */
export class RateLimiter {
  private starts: number[] = [];
  private pausedUntil = 0;
  private queue: Array<() => void> = [];
  private timer?: NodeJS.Timeout;

  constructor(readonly max: number, readonly intervalMs: number, private readonly now: () => number = Date.now) {}

  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.pump();
    });
  }

  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  private pump(): void {
    if (this.timer) return;
    while (this.queue.length) {
      const now = this.now();
      this.starts = this.starts.filter((t) => t > now - this.intervalMs);
      let wait = 0;
      if (now < this.pausedUntil) wait = this.pausedUntil - now;
      else if (this.starts.length >= this.max) wait = this.starts[0] + this.intervalMs - now;
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        this.timer.unref?.();
        return;
      }
      this.starts.push(now);
      this.queue.shift()!();
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // release waiters so nothing hangs; their requests fail or proceed normally
    for (const r of this.queue.splice(0)) r();
  }
}

export interface RestRequest {
  method: string;
  /** Path under the base URL, or an absolute URL. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (objects) or a pre-encoded string with its own content type. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Safe to repeat after an unknown outcome (5xx, reset, timeout). Default: every method but POST. */
  idempotent?: boolean;
  /** Statuses that are not errors (e.g. 207 batch results, 404 for lookups). */
  accept?: number[];
  /** Skip the Authorization header (token endpoints). */
  noAuth?: boolean;
}

export interface RestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ProblemInfo {
  message: string;
  crmCode?: string;
  field?: string;
  retryAfterMs?: number;
}

export interface RestClientOptions {
  provider: CrmProviderName;
  baseUrl: string;
  /** Headers carrying the credentials (called per attempt: tokens may be refreshed). */
  auth?: () => Promise<Record<string, string>> | Record<string, string>;
  /** Called once on a 401 before one retry (OAuth token refresh). Return true to retry. */
  onUnauthorized?: () => Promise<boolean>;
  rateLimit?: { max: number; intervalMs: number };
  maxRetries?: number;
  timeoutMs?: number;
  maxRetryWaitMs?: number;
  fetch?: typeof fetch;
  /** Provider-specific error body reading. */
  problem?: (status: number, body: unknown, headers: Headers) => ProblemInfo;
  /** Provider-specific wait hints on a 429 besides Retry-After. */
  retryAfter?: (headers: Headers) => number | undefined;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** Retry-After as ms: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export class RestClient {
  readonly limiter?: RateLimiter;
  private readonly f: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private closed = false;

  constructor(readonly opts: RestClientOptions) {
    if (opts.rateLimit && opts.rateLimit.max > 0) this.limiter = new RateLimiter(opts.rateLimit.max, opts.rateLimit.intervalMs);
    this.f = opts.fetch ?? fetch;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms).unref?.()));
  }

  url(path: string, query?: RestRequest['query']): string {
    const base = this.opts.baseUrl.replace(/\/+$/, '');
    const u = new URL(/^https?:\/\//.test(path) ? path : base + (path.startsWith('/') ? path : `/${path}`));
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  async request<T = any>(req: RestRequest): Promise<RestResponse<T>> {
    const maxRetries = this.opts.maxRetries ?? 3;
    const idempotent = req.idempotent ?? req.method.toUpperCase() !== 'POST';
    const maxWait = this.opts.maxRetryWaitMs ?? 60_000;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new CrmNetworkError('CRM client closed', { provider: this.opts.provider, retryable: true });
      if (this.limiter) await this.limiter.acquire();
      let err: CrmError;
      try {
        const res = await this.once<T>(req, attempt);
        if (res.status < 400 || req.accept?.includes(res.status)) return res;
        if (res.status === 401 && !refreshed && this.opts.onUnauthorized && !req.noAuth) {
          refreshed = true;
          if (await this.opts.onUnauthorized()) { attempt--; continue; }
        }
        err = this.toError(res, req, attempt);
      } catch (e) {
        if (e instanceof CrmError) err = e;
        else throw e;
      }
      const c = err.cause;
      c.attempts = attempt;
      const refused = c.networkCode === 'ECONNREFUSED';
      const canRepeat = c.type === 'rate_limit' || refused || (idempotent && c.retryable);
      if (!c.retryable || !canRepeat || attempt > maxRetries) throw err;
      let wait = c.retryAfterMs ?? Math.min(10_000, 250 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      if (c.type === 'rate_limit') {
        if (c.retryAfterMs === undefined) wait = Math.min(10_000, 1000 * 2 ** (attempt - 1));
        this.limiter?.pauseFor(wait);
      }
      if (wait > maxWait) throw err;
      this.opts.log?.(`${this.opts.provider}: ${req.method} ${req.path} -> ${c.status ?? c.networkCode}; retry ${attempt}/${maxRetries} in ${Math.round(wait)} ms`);
      await this.sleep(wait);
    }
  }

  private async once<T>(req: RestRequest, attempt: number): Promise<RestResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
    if (!req.noAuth && this.opts.auth) Object.assign(headers, await this.opts.auth());
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] = req.contentType ?? 'application/json';
    }
    const url = this.url(req.path, req.query);
    let res: Response;
    try {
      res = await this.f(url, { method: req.method, headers, body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const timeout = err.name === 'TimeoutError' || err.name === 'AbortError';
      const code = timeout ? 'ETIMEDOUT' : err.cause?.code ?? (err as { code?: string }).code;
      throw new CrmNetworkError(`${this.opts.provider}: ${req.method} ${url} failed: ${timeout ? `no answer within ${this.opts.timeoutMs ?? 30_000} ms` : err.cause instanceof Error ? err.cause.message : err.message}`, {
        provider: this.opts.provider, networkCode: code && NETWORK_CODES.has(code) ? code : code ?? 'ECONNRESET', method: req.method, path: req.path, attempts: attempt,
      });
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (text && /json/i.test(res.headers.get('content-type') ?? '')) {
      try { parsed = JSON.parse(text); } catch { parsed = text; }
    } else if (!text) parsed = undefined;
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  private toError(res: RestResponse, req: RestRequest, attempt: number): CrmError {
    const p = this.opts.problem?.(res.status, res.body, res.headers) ?? { message: typeof res.body === 'string' ? res.body : JSON.stringify(res.body) };
    let retryAfterMs = p.retryAfterMs ?? parseRetryAfter(res.headers.get('retry-after'));
    if (res.status === 429 && retryAfterMs === undefined) retryAfterMs = this.opts.retryAfter?.(res.headers);
    const err = errorForStatus(res.status, `${this.opts.provider} ${res.status}: ${p.message}`, {
      provider: this.opts.provider, crmMessage: p.message, crmCode: p.crmCode, field: p.field, retryAfterMs,
      method: req.method, path: req.path, attempts: attempt,
    });
    if (p.crmCode === 'REQUEST_LIMIT_EXCEEDED' && !(err instanceof CrmRateLimitError)) {
      // Salesforce's rolling 24 h API limit (403): nothing to gain from retrying within seconds.
      const { type: _type, retryable: _r, ...rest } = err.cause;
      return new CrmRateLimitError(err.message, { ...rest, retryAfterMs: retryAfterMs ?? 300_000 });
    }
    return err;
  }

  close(): void {
    this.closed = true;
    this.limiter?.close();
  }
}
