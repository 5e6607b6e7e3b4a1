/**
 * The two wire protocols, one attempt per call (retries, auth and the in-flight cap live in client.ts).
 * Both share one keep-alive agent per client and abort every request at its timeout.
 */
import http from 'http';
import https from 'https';
import xmlrpc from 'xmlrpc';
import {
  OdooError,
  OdooRequestError,
  OdooServerError,
  OdooTransientError,
  classifyJson2Error,
  classifyXmlRpcFault,
  networkError,
  parseRetryAfter,
} from './errors';

export interface CallCtx {
  model?: string;
  method?: string;
}

export interface TransportOptions {
  url: URL;
  agent: http.Agent;
  timeoutMs: number;
  userAgent: string;
}

/** Drop `undefined` (XML-RPC has no representation for it); keep null (sent as <nil/>, which Odoo accepts). */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : clean(x)));
  if (v && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = clean(x);
    return out;
  }
  return v;
}

function joinPath(base: URL, p: string): string {
  return base.pathname.replace(/\/+$/, '') + p;
}

export class XmlRpcTransport {
  constructor(private readonly opts: TransportOptions) {}

  call(service: 'common' | 'object', method: string, params: unknown[], ctx: CallCtx): Promise<unknown> {
    const { url, agent, timeoutMs, userAgent } = this.opts;
    const fctx = { ...ctx, protocol: 'xmlrpc' as const };
    return new Promise((resolve, reject) => {
      const ac = new AbortController();
      let settled = false;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        ac.abort();
      }, timeoutMs);
      const finish = (err: unknown, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(value);
      };
      const options = {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
        path: joinPath(url, `/xmlrpc/2/${service}`),
        headers: { 'User-Agent': userAgent } as Record<string, string>,
        agent,
        signal: ac.signal,
      };
      const client = url.protocol === 'https:' ? xmlrpc.createSecureClient(options) : xmlrpc.createClient(options);
      try {
        client.methodCall(method, clean(params) as unknown[], (err: unknown, value: unknown) => {
          if (!err) return finish(null, value);
          finish(this.toError(err, fctx, timedOut));
        });
      } catch (e) {
        finish(this.toError(e, fctx, timedOut));
      }
    });
  }

  private toError(err: unknown, ctx: CallCtx & { protocol: 'xmlrpc' }, timedOut: boolean): OdooError {
    if (timedOut) return networkError(err, ctx, true, this.opts.timeoutMs);
    const e = err as { faultCode?: unknown; faultString?: unknown; res?: http.IncomingMessage; body?: string; code?: string; message?: string };
    if (e && e.faultCode !== undefined) return classifyXmlRpcFault(e.faultCode, e.faultString, ctx);
    const res = e?.res;
    if (res && typeof res.statusCode === 'number') {
      const status = res.statusCode;
      const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      const body = typeof e.body === 'string' ? e.body.trim().slice(0, 300) : '';
      const where = ctx.model ? `${ctx.model}.${ctx.method}: ` : ctx.method ? `${ctx.method}: ` : '';
      if (status === 429 || status === 408 || status >= 500) {
        return new OdooTransientError(`${where}HTTP ${status}${body ? ' ' + body : ''}`, { ...ctx, status, retryAfterMs, odooMessage: body || undefined });
      }
      if (status === 404) {
        return new OdooRequestError(`${where}XML-RPC endpoint not found (HTTP 404): is this an Odoo server with the rpc module?`, { ...ctx, status });
      }
      if (status !== 200) {
        return new OdooRequestError(`${where}HTTP ${status}${body ? ' ' + body : ''}`, { ...ctx, status });
      }
      return new OdooServerError(`${where}invalid XML-RPC response: ${e.message ?? ''}`, { ...ctx, status });
    }
    return networkError(err, ctx, false);
  }
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with a hard timeout (used by JSON-2 and GET /web/version). */
export function httpRequest(
  opts: TransportOptions,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  ctx: CallCtx & { protocol: 'xmlrpc' | 'json2' },
): Promise<HttpResult> {
  const { url, agent, timeoutMs, userAgent } = opts;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    let timedOut = false;
    const finish = (err: unknown, value?: HttpResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value as HttpResult);
    };
    const req = transport.request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
        path: joinPath(url, path),
        method,
        agent,
        headers: {
          'User-Agent': userAgent,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => finish(networkError(e, ctx, timedOut, timeoutMs)));
        res.on('aborted', () => finish(networkError(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }), ctx, timedOut, timeoutMs)));
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
      finish(networkError(undefined, ctx, true, timeoutMs));
    }, timeoutMs);
    req.on('error', (e) => finish(networkError(e, ctx, timedOut, timeoutMs)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export class Json2Transport {
  constructor(private readonly opts: TransportOptions, private readonly db: string | undefined) {}

  async call(model: string, method: string, payload: Record<string, unknown>, apiKey: string): Promise<unknown> {
    const ctx = { model, method, protocol: 'json2' as const };
    const headers: Record<string, string> = { Authorization: `bearer ${apiKey}` };
    if (this.db) headers['X-Odoo-Database'] = this.db;
    const res = await httpRequest(this.opts, 'POST', `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`, headers, JSON.stringify(payload), ctx);
    let parsed: unknown = undefined;
    let parsedOk = false;
    if (res.body.length > 0) {
      try {
        parsed = JSON.parse(res.body);
        parsedOk = true;
      } catch {
        parsed = res.body;
      }
    } else {
      parsed = null;
      parsedOk = true;
    }
    if (res.status >= 200 && res.status < 300) {
      if (!parsedOk) throw new OdooServerError(`${model}.${method}: invalid JSON in the answer`, { ...ctx, status: res.status });
      return parsed;
    }
    throw classifyJson2Error(res.status, parsed, res.headers, ctx);
  }
}
