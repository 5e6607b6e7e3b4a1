/**
 * `/jsonrpc`: `{"jsonrpc":"2.0","method":"call","params":{"service","method","args"},"id"}`.
 * Errors come back with HTTP 200 and Odoo's error object (code 200 on 16-18, 0 on 19); a None result
 * leaves out the `result` key, as Odoo's `JsonRPCDispatcher._response` does. An unparsable body is a
 * plain-text HTTP 400 ("Invalid JSON data"), as in Odoo.
 */
import { asOdooException, internalError, jsonrpcError } from './errors';
import { PythonError } from '../exceptions';
import { dispatchRpc, ServiceContext } from './services';

export interface HttpOutcome {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  internal?: Error;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function handleJsonRpc(ctx: ServiceContext, text: string): HttpOutcome {
  let req: unknown;
  try {
    req = JSON.parse(text);
  } catch {
    return { status: 400, contentType: 'text/html; charset=utf-8', body: 'Invalid JSON data' };
  }
  if (req === null || typeof req !== 'object' || Array.isArray(req)) {
    return { status: 400, contentType: 'text/html; charset=utf-8', body: 'Invalid JSON-RPC data' };
  }
  const r = req as Record<string, unknown>;
  const id = r.id === undefined ? null : r.id;
  const response: Record<string, unknown> = { jsonrpc: '2.0', id };
  let internal: Error | undefined;
  try {
    const params = r.params === undefined || r.params === null ? {} : r.params;
    if (typeof params !== 'object' || Array.isArray(params)) {
      throw new PythonError('TypeError', 'jsonrpc() argument after ** must be a mapping, not list');
    }
    const p = params as Record<string, unknown>;
    const missing = ['service', 'method', 'args'].filter((k) => !(k in p));
    if (missing.length) {
      const names = missing.map((m) => `'${m}'`);
      const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
      throw new PythonError('TypeError', `RPC.jsonrpc() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`);
    }
    const { service, method, args } = p;
    if (typeof service !== 'string') throw new PythonError('KeyError', String(service));
    if (typeof method !== 'string') throw new PythonError('TypeError', `can only concatenate str (not "${typeof method}") to str`);
    if (!Array.isArray(args)) throw new PythonError('TypeError', `argument after * must be an iterable, not ${args === null ? 'NoneType' : typeof args}`);
    const result = dispatchRpc(ctx, service, method, args);
    if (result !== null && result !== undefined) response.result = result;
  } catch (err) {
    const e = asOdooException(err);
    internal = internalError(e);
    response.error = jsonrpcError(e, ctx.version);
  }
  return { status: 200, contentType: JSON_TYPE, body: JSON.stringify(response), internal };
}
