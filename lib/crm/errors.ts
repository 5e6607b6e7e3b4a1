/**
 * Typed errors of the CRM clients and webhook checks.
 *
 * Contract (docs/architecture.md): each error has the OWN properties `code` (its class name) and
 * `cause`, a plain JSON-able object `{type, retryable, status?, retryAfterMs?, provider?, field?, ...}`,
 * so a Catch node's msg.error carries them.
 */

export type CrmErrorType =
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'validation'
  | 'conflict'
  | 'rate_limit'
  | 'server'
  | 'transient'
  | 'config'
  | 'webhook_auth'
  | 'webhook_payload';

export interface CrmErrorCause {
  type: CrmErrorType;
  retryable: boolean;
  provider?: string;
  /** HTTP status of the CRM's answer, when there was one. */
  status?: number;
  /** Server-requested wait (Retry-After or the provider's reset header), ms. */
  retryAfterMs?: number;
  /** The CRM's own message / error code / category. */
  crmMessage?: string;
  crmCode?: string;
  /** Property/field the CRM complained about, when it said. */
  field?: string;
  objectType?: string;
  crmId?: string;
  /** Network-level code for transport failures (ECONNRESET, ECONNREFUSED, ETIMEDOUT, ...). */
  networkCode?: string;
  method?: string;
  path?: string;
  /** How many times the client tried (1 = no retry). */
  attempts?: number;
}

export interface CrmErrorInit extends Partial<Omit<CrmErrorCause, 'type' | 'retryable'>> {
  retryable?: boolean;
}

export class CrmError extends Error {
  declare code: string;
  declare cause: CrmErrorCause;

  constructor(type: CrmErrorType, defaultRetryable: boolean, message: string, init: CrmErrorInit = {}) {
    super(message);
    const { retryable, ...rest } = init;
    const cause: CrmErrorCause = { type, retryable: retryable ?? defaultRetryable };
    for (const [k, v] of Object.entries(rest)) {
      if (v !== undefined) (cause as unknown as Record<string, unknown>)[k] = v;
    }
    Object.defineProperty(this, 'code', { value: new.target.name, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(this, 'cause', { value: cause, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, writable: true, configurable: true });
  }

  get retryable(): boolean { return this.cause.retryable; }
  get status(): number | undefined { return this.cause.status; }
  get retryAfterMs(): number | undefined { return this.cause.retryAfterMs; }
}

/** 401: missing, expired or wrong token. */
export class CrmAuthError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('auth', false, message, init); }
}
/** 403: the token lacks a scope / permission. */
export class CrmForbiddenError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('forbidden', false, message, init); }
}
export class CrmNotFoundError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('not_found', false, message, init); }
}
/** 400/422: the CRM rejected the data (unknown property, bad option...). */
export class CrmValidationError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('validation', false, message, init); }
}
/** 409: duplicate unique value, concurrent change. */
export class CrmConflictError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('conflict', false, message, init); }
}
/** 429 (and Salesforce's REQUEST_LIMIT_EXCEEDED): retry after `retryAfterMs`. */
export class CrmRateLimitError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('rate_limit', true, message, init); }
}
/** 5xx. */
export class CrmServerError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('server', true, message, init); }
}
/** Connection refused/reset, timeouts. */
export class CrmNetworkError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('transient', true, message, init); }
}
/** Missing URL/credentials, unsupported operation for the provider. */
export class CrmConfigError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('config', false, message, init); }
}
/** A webhook request failed the provider's authenticity check (answered 401). */
export class WebhookAuthError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('webhook_auth', false, message, init); }
}
/** An authentic webhook request whose body cannot be understood (answered 400). */
export class WebhookPayloadError extends CrmError {
  constructor(message: string, init?: CrmErrorInit) { super('webhook_payload', false, message, init); }
}

/** The typed error for an HTTP answer that is not 2xx. */
export function errorForStatus(status: number, message: string, init: CrmErrorInit = {}): CrmError {
  const i = { ...init, status };
  if (status === 401) return new CrmAuthError(message, i);
  if (status === 403) return new CrmForbiddenError(message, i);
  if (status === 404 || status === 410) return new CrmNotFoundError(message, i);
  if (status === 409) return new CrmConflictError(message, i);
  if (status === 429) return new CrmRateLimitError(message, i);
  if (status === 408 || status === 425) return new CrmNetworkError(message, i);
  if (status >= 500) return new CrmServerError(message, i);
  return new CrmValidationError(message, i);
}
