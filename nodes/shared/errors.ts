/**
 * Turning failures into done(err) per the typed-error contract (docs/architecture.md): the error
 * handed to done() is an Error with OWN properties `code` and `cause` (a plain object with at least
 * `type` and `retryable`), which Node-RED copies into the Catch node's msg.error.
 * Works for any engine error (Odoo, CRM) and wraps everything else.
 */
import { failed, shorten, StatusTarget } from './status';

export interface ContractCause {
  type: string;
  retryable: boolean;
  [key: string]: unknown;
}

export type ContractError = Error & { code: string; cause: ContractCause };

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);

export function isContractError(e: unknown): e is ContractError {
  if (!(e instanceof Error)) return false;
  const c = (e as { cause?: unknown }).cause;
  return (
    Object.prototype.hasOwnProperty.call(e, 'code') &&
    Object.prototype.hasOwnProperty.call(e, 'cause') &&
    !!c && typeof c === 'object' && typeof (c as ContractCause).retryable === 'boolean'
  );
}

/**
 * An error class for failures found by a node itself (bad input, missing config): code
 * `InputError`-style names given by the caller, never retryable.
 */
export class NodeInputError extends Error {
  declare code: string;
  declare cause: ContractCause;
  constructor(message: string, code = 'InputError', extra: Record<string, unknown> = {}) {
    super(message);
    Object.defineProperty(this, 'code', { value: code, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(this, 'cause', { value: { type: 'input', retryable: false, ...extra }, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(this, 'name', { value: code, enumerable: false, writable: true, configurable: true });
  }
}

/** Any thrown value as a contract error (engine errors pass through unchanged). */
export function toContractError(e: unknown): ContractError {
  if (isContractError(e)) return e;
  const base = e instanceof Error ? e : new Error(typeof e === 'string' ? e : JSON.stringify(e) ?? String(e));
  const code = typeof (base as { code?: unknown }).code === 'string' ? ((base as unknown as { code: string }).code) : base.name || 'Error';
  const retryable = NETWORK_CODES.has(code);
  const out = new Error(base.message) as ContractError;
  Object.defineProperty(out, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(out, 'cause', {
    value: { type: retryable ? 'transient' : 'internal', retryable, ...(retryable ? { networkCode: code } : {}) },
    enumerable: true,
    writable: true,
    configurable: true,
  });
  out.name = base.name || 'Error';
  if (base.stack) out.stack = base.stack;
  return out;
}

/** Short status text for an error: its code and the first words of its message. */
export function errorStatusText(e: ContractError): string {
  const m = (e.cause && typeof e.cause.odooMessage === 'string' ? e.cause.odooMessage : e.message) || '';
  const code = e.code.replace(/^Odoo|Error$/g, '') || e.code;
  return shorten(`${code}: ${m}`);
}

/**
 * Report a failure of one message: red status with the reason, done(err) so Catch nodes get the
 * typed error with the msg kept. Never throws.
 */
export function reportError(node: StatusTarget, done: (err?: Error) => void, e: unknown, statusText?: string): ContractError {
  const err = toContractError(e);
  try {
    failed(node, statusText ?? errorStatusText(err));
  } catch {
    /* status is best effort */
  }
  done(err);
  return err;
}
