/**
 * Client options from an odoo-server configuration (the deployed node or the edit dialog's values).
 * `${NAME}` is resolved from the environment; empty values fall back to ODOO_URL, ODOO_DB,
 * ODOO_USERNAME and ODOO_PASSWORD (the variables the shipped flows use).
 */
import type { OdooClientOptions, OdooProtocol } from './client';
import { OdooRequestError } from './errors';
import { parseContext } from './params';

export interface ServerSettings {
  url?: string;
  db?: string;
  protocol?: string;
  /** Seconds. */
  timeout?: string | number;
  /** JSON object text. */
  context?: string;
  maxInFlight?: string | number;
}

export interface ServerCredentials {
  username?: string;
  password?: string;
}

/** Replace every `${NAME}` with process.env.NAME ('' when unset). */
export function resolveEnv(value: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (value === undefined || value === null) return '';
  return String(value).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => env[name] ?? '');
}

/** `${NAME}` resolved; empty -> first non-empty env var of `fallbacks`, else `def`. */
export function envValue(value: unknown, fallbacks: string[] = [], def = '', env: NodeJS.ProcessEnv = process.env): string {
  const v = resolveEnv(value, env).trim();
  if (v) return v;
  for (const name of fallbacks) {
    const f = env[name];
    if (f !== undefined && f.trim() !== '') return f.trim();
  }
  return def;
}

const PROTOCOLS = new Set(['auto', 'xmlrpc', 'json2']);


/** Client options from a config (deployed or from the dialog), with `${ENV}` and fallbacks resolved. */
export function buildClientOptions(config: ServerSettings, creds: ServerCredentials): OdooClientOptions {
  const url = envValue(config.url, ['ODOO_URL']);
  if (!url) throw new OdooRequestError('Odoo URL is not set (property url or env ODOO_URL)');
  const protocol = envValue(config.protocol, [], 'auto');
  if (!PROTOCOLS.has(protocol)) throw new OdooRequestError(`protocol must be auto, xmlrpc or json2, not "${protocol}"`);
  const timeoutS = Number(envValue(config.timeout, [], '30'));
  const maxInFlight = Number(envValue(config.maxInFlight, [], '4'));
  return {
    url,
    db: envValue(config.db, ['ODOO_DB']),
    username: envValue(creds.username, ['ODOO_USERNAME']),
    password: envValue(creds.password, ['ODOO_PASSWORD']),
    protocol: protocol as OdooProtocol,
    timeoutMs: Number.isFinite(timeoutS) && timeoutS > 0 ? Math.round(timeoutS * 1000) : 30000,
    maxInFlight: Number.isInteger(maxInFlight) && maxInFlight > 0 ? maxInFlight : 4,
    context: parseContext(envValue(config.context, [], '')),
  };
}

