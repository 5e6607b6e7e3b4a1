/**
 * Maps the sandbox's Odoo exceptions to each protocol's fault shape (odoo-api.md §1.4, §2.1, §2.2):
 * XML-RPC int codes (/xmlrpc/2), XML-RPC string codes (legacy /xmlrpc), the JSON-RPC error object
 * and JSON-2's HTTP status and error body.
 */
import {
  AccessDenied,
  AccessError,
  LockError,
  MissingError,
  OdooException,
  PythonError,
  RedirectWarning,
  UserError,
} from '../exceptions';
import type { OdooVersion } from '../types';

/** A werkzeug HTTP exception (JSON-2 routing, auth and body errors). */
export class HttpError extends OdooException {
  constructor(
    readonly status: number,
    readonly description: string,
    pythonName: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(pythonName, `${status} ${STATUS_TEXT[status] ?? 'Error'}: ${description}`);
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Error';
}

export const notFound = (d: string): HttpError => new HttpError(404, d, 'werkzeug.exceptions.NotFound');
export const badRequest = (d: string): HttpError => new HttpError(400, d, 'werkzeug.exceptions.BadRequest');
export const unprocessable = (d: string): HttpError => new HttpError(422, d, 'werkzeug.exceptions.UnprocessableEntity');
export const unauthorized = (d: string): HttpError =>
  new HttpError(401, d, 'werkzeug.exceptions.Unauthorized', { 'WWW-Authenticate': 'bearer' });

/** Any thrown value as an Odoo exception; JS errors (sandbox bugs) become a generic Python Exception. */
export function asOdooException(err: unknown): OdooException {
  if (err instanceof OdooException) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const pyName = e.name === 'TypeError' || e.name === 'RangeError' ? (e.name === 'TypeError' ? 'TypeError' : 'ValueError') : 'Exception';
  const wrapped = new PythonError(pyName, e.message);
  (wrapped as { internal?: Error }).internal = e;
  return wrapped;
}

/** Whether an exception is an internal bug (a JS error rather than an Odoo/Python one). */
export function internalError(e: OdooException): Error | undefined {
  return (e as { internal?: Error }).internal;
}

/** The last line of a Python traceback: `ValueError: msg`, `odoo.exceptions.UserError: msg`. */
export function excLine(e: OdooException): string {
  const name = e.pythonName.startsWith('builtins.') ? e.pythonName.slice(9) : e.pythonName;
  return e.message === '' ? name : `${name}: ${e.message}`;
}

export type Stage = 'xmlrpc-parse' | 'xmlrpc-marshal' | 'common' | 'object' | 'jsonrpc' | 'json2';

const PY = '/usr/lib/python3/dist-packages';

function frame(file: string, line: number, fn: string, code: string): string {
  return `  File "${file.startsWith('/') ? file : `${PY}/${file}`}", line ${line}, in ${fn}\n    ${code}\n`;
}

/** A traceback-looking text like Odoo's `traceback.format_exception` output. */
export function traceback(e: OdooException, stage: Stage, version: OdooVersion): string {
  const rpcFile = version >= 19 ? 'odoo/addons/rpc/controllers/xmlrpc.py' : 'odoo/addons/base/controllers/rpc.py';
  const orm = version >= 18 ? 'odoo/orm/models.py' : 'odoo/models.py';
  let s = 'Traceback (most recent call last):\n';
  if (stage === 'xmlrpc-parse' || stage === 'xmlrpc-marshal' || stage === 'common' || stage === 'object') {
    s += frame(rpcFile, version >= 19 ? 154 : 160, 'xmlrpc_2', 'response = self._xmlrpc(service)');
  }
  if (stage === 'jsonrpc') {
    s += frame('odoo/http.py', 1790, '_serve_db', 'return service_model.retrying(self._serve_ir_http, self.env)');
    s += frame(version >= 19 ? 'odoo/addons/rpc/controllers/jsonrpc.py' : 'odoo/addons/base/controllers/rpc.py', 68, 'jsonrpc', 'return dispatch_rpc(service, method, args)');
  }
  if (stage === 'json2') {
    s += frame('odoo/http.py', 2212, 'dispatch', 'result = self.request.registry[\'ir.http\']._dispatch(endpoint)');
    s += frame('odoo/addons/rpc/controllers/json2.py', 96, 'call_model', 'result = func(records, **kwargs)');
  }
  if (stage === 'xmlrpc-parse') {
    s += frame(rpcFile, 138, '_xmlrpc', 'params, method = xmlrpc.client.loads(data, use_datetime=True)');
    s += frame('/usr/lib/python3.12/xmlrpc/client.py', 1029, 'loads', 'p.feed(data)');
  } else if (stage === 'xmlrpc-marshal') {
    s += frame(rpcFile, 140, '_xmlrpc', 'return xmlrpc_return(result)');
    s += frame('/usr/lib/python3.12/xmlrpc/client.py', 1127, 'dumps', 'data = m.dumps(params)');
  } else if (stage === 'common' || stage === 'object' || stage === 'jsonrpc') {
    if (stage !== 'jsonrpc') s += frame(rpcFile, 139, '_xmlrpc', 'result = dispatch_rpc(service, method, params)');
    s += frame('odoo/http.py', 377, 'dispatch_rpc', 'return dispatch(method, params)');
    if (stage === 'common') {
      s += frame('odoo/service/common.py', 57, 'dispatch', "return g[exp_method_name](*params)");
    } else {
      s += frame('odoo/service/model.py', 40, 'dispatch', 'res = execute_kw(db, uid, *params[3:])');
      s += frame('odoo/service/model.py', 63, 'execute_kw', 'return execute(db, uid, obj, method, *args, **kw or {})');
      s += frame('odoo/service/model.py', 156, 'retrying', 'result = func()');
      s += frame('odoo/api.py', 533, 'call_kw', 'result = _call_kw_multi(method, model, args, kwargs)');
      s += frame(orm, 1000, 'method', 'raise');
    }
  }
  return s + excLine(e) + '\n';
}

// ---------------------------------------------------------------------------------------------

export interface XmlRpcFault {
  faultCode: number | string;
  faultString: string;
}

/** /xmlrpc/2 (`xmlrpc_handle_exception_int`). */
export function xmlrpcFaultInt(err: unknown, stage: Stage, version: OdooVersion): XmlRpcFault {
  const e = asOdooException(err);
  if (e instanceof RedirectWarning) return { faultCode: 2, faultString: e.message };
  if (e instanceof AccessError) return { faultCode: 4, faultString: e.message };
  if (e instanceof AccessDenied) return { faultCode: 3, faultString: e.message };
  if (e instanceof UserError) return { faultCode: 2, faultString: e.message };
  return { faultCode: 1, faultString: traceback(e, stage, version) };
}

/** Legacy /xmlrpc (`xmlrpc_handle_exception_string`). */
export function xmlrpcFaultString(err: unknown, stage: Stage, version: OdooVersion): XmlRpcFault {
  const e = asOdooException(err);
  if (e instanceof RedirectWarning) return { faultCode: `warning -- Warning\n\n${e.message}`, faultString: '' };
  if (e instanceof MissingError) return { faultCode: `warning -- MissingError\n\n${e.message}`, faultString: '' };
  if (e instanceof AccessError) return { faultCode: `warning -- AccessError\n\n${e.message}`, faultString: '' };
  if (e instanceof AccessDenied) return { faultCode: 'AccessDenied', faultString: e.message };
  if (e instanceof UserError) return { faultCode: `warning -- UserError\n\n${e.message}`, faultString: '' };
  return { faultCode: e.message, faultString: traceback(e, stage, version) };
}

/** Odoo's `serialize_exception`. */
export function serializeException(e: OdooException, stage: Stage, version: OdooVersion): Record<string, unknown> {
  const isHttp = e instanceof HttpError;
  return {
    name: e.pythonName,
    message: e.message,
    arguments: isHttp ? [] : [e.message],
    context: {},
    debug: e instanceof AccessDenied ? excLine(e) + '\n' : traceback(e, stage, version),
  };
}

/** The `error` member of a JSON-RPC response (HTTP 200). */
export function jsonrpcError(err: unknown, version: OdooVersion): Record<string, unknown> {
  const e = asOdooException(err);
  if (e instanceof HttpError && e.status === 404) {
    return { code: 404, message: '404: Not Found', data: serializeException(e, 'jsonrpc', version) };
  }
  return { code: version >= 19 ? 0 : 200, message: 'Odoo Server Error', data: serializeException(e, 'jsonrpc', version) };
}

/** JSON-2: HTTP status (`exception.http_status`) and error body. */
export function json2Error(err: unknown, version: OdooVersion): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  const e = asOdooException(err);
  let status: number;
  let headers: Record<string, string> = {};
  if (e instanceof HttpError) {
    status = e.status;
    headers = e.headers;
  } else if (e instanceof MissingError) status = 404;
  else if (e instanceof LockError) status = 409;
  else if (e instanceof UserError) status = 422;
  else if (e instanceof AccessError || e instanceof AccessDenied) status = 403;
  else status = 500;
  return { status, body: serializeException(e, 'json2', version), headers };
}
