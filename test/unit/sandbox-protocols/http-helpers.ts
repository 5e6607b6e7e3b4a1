/** Small HTTP helpers for the sandbox protocol tests (raw node:http, so status, headers and sockets are visible). */
import http from 'http';
import { dumpMethodCall, parseMethodResponse } from '../../../sandbox/odoo/protocols/xmlrpc-codec';

export interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
}

export interface ReqOpts {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  agent?: http.Agent;
}

export function request(base: string, path: string, opts: ReqOpts = {}): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, base);
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body, 'utf8');
    const req = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? (body ? 'POST' : 'GET'),
        headers: { ...(body ? { 'Content-Length': String(body.length) } : {}), ...(opts.headers ?? {}) },
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reusedSocket: req.reusedSocket }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export type XmlRpcResult = { fault: false; value: unknown } | { fault: true; faultCode: unknown; faultString: unknown };

export async function xmlrpc(base: string, path: string, method: string, params: unknown[], agent?: http.Agent): Promise<XmlRpcResult> {
  const r = await request(base, path, { body: dumpMethodCall(method, params), headers: { 'Content-Type': 'text/xml' }, agent });
  if (r.status !== 200) throw new Error(`XML-RPC HTTP ${r.status}: ${r.body}`);
  return parseMethodResponse(r.body);
}

export async function xmlrpcRaw(base: string, path: string, xml: string): Promise<XmlRpcResult> {
  const r = await request(base, path, { body: xml, headers: { 'Content-Type': 'text/xml' } });
  if (r.status !== 200) throw new Error(`XML-RPC HTTP ${r.status}: ${r.body}`);
  return parseMethodResponse(r.body);
}

export async function jsonrpc(base: string, service: string, method: string, args: unknown[], id: unknown = 1): Promise<Record<string, any>> {
  const r = await request(base, '/jsonrpc', {
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id }),
    headers: { 'Content-Type': 'application/json' },
  });
  if (r.status !== 200) throw new Error(`JSON-RPC HTTP ${r.status}: ${r.body}`);
  return JSON.parse(r.body);
}

export async function json2(base: string, model: string, method: string, body: unknown, key: string | null, headers: Record<string, string> = {}): Promise<Resp & { json: any }> {
  const h: Record<string, string> = { 'Content-Type': 'application/json', ...headers };
  if (key !== null) h.Authorization = `bearer ${key}`;
  const r = await request(base, `/json/2/${model}/${method}`, { body: body === undefined ? '' : JSON.stringify(body), headers: h, method: 'POST' });
  let json: any;
  try {
    json = JSON.parse(r.body);
  } catch {
    json = undefined;
  }
  return { ...r, json };
}
