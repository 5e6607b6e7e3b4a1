/**
 * `npm run bench:sandbox`: calls per second the Odoo sandbox serves for a small search_read and for
 * create, over XML-RPC and JSON-2, on keep-alive connections with CONCURRENCY calls in flight.
 * The sandbox runs in a child process (so client and server do not share an event loop); the
 * baseline is a bare node:http server in a child process answering a fixed small JSON body, driven
 * by the same client with the same concurrency and request body, measured in the same run.
 * Ends with one JSON line.
 */
import { fork, ChildProcess } from 'child_process';
import http from 'http';
import type { AddressInfo } from 'net';
import { dumpMethodCall } from '../sandbox/odoo/protocols/xmlrpc-codec';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 12);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP_MS = 1000;

interface Ready {
  port: number;
  uid?: number;
  password?: string;
  apiKey?: string;
}

async function childSandbox(): Promise<void> {
  const { startOdooSandbox } = await import('../sandbox/odoo/server');
  const sb = await startOdooSandbox({ port: 0, version: 19, quiet: true });
  const admin = sb.users.find((u) => u.login === 'admin');
  if (!admin) throw new Error('no admin user');
  process.send?.({ port: sb.port, uid: admin.uid, password: admin.password, apiKey: admin.apiKey } satisfies Ready);
  process.on('disconnect', () => void sb.close().then(() => process.exit(0)));
}

async function childBaseline(): Promise<void> {
  const body = Buffer.from(JSON.stringify([{ id: 1, name: 'Baseline Partner', email: 'a@example.com' }]));
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  process.send?.({ port: (server.address() as AddressInfo).port } satisfies Ready);
  process.on('disconnect', () => process.exit(0));
}

function start(mode: string): Promise<{ child: ChildProcess; ready: Ready }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, ready: m as Ready }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${mode} exited with ${code}`)));
  });
}

interface Target {
  port: number;
  path: string;
  body: Buffer;
  headers: Record<string, string>;
  /** Whether a 200 body is a success (not a fault). */
  ok(body: string): boolean;
}

interface Result {
  callsPerS: number;
  calls: number;
  errors: number;
  firstError?: string;
}

async function measure(t: Target): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const headers = { ...t.headers, 'Content-Length': String(t.body.length) };
  let counting = false;
  let stop = false;
  let calls = 0;
  let errors = 0;
  let firstError: string | undefined;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: t.port, path: t.path, method: 'POST', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const good = res.statusCode === 200 && t.ok(text);
          if (counting) {
            if (good) calls++;
            else errors++;
          }
          if (!good && !firstError) firstError = `${res.statusCode}: ${text.slice(0, 300)}`;
          resolve();
        });
      });
      req.on('error', (e) => {
        if (counting) errors++;
        if (!firstError) firstError = e.message;
        resolve();
      });
      req.end(t.body);
    });
  const worker = async (): Promise<void> => {
    while (!stop) await one();
  };
  const workers = Array.from({ length: CONCURRENCY }, worker);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  counting = true;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  counting = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  return { callsPerS: Math.round(calls / elapsed), calls, errors, firstError };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'child-sandbox') return childSandbox();
  if (mode === 'child-baseline') return childBaseline();

  const t0 = Date.now();
  console.log(`bench:sandbox: Odoo 19 sandbox in a child process, client in this process; ${CONCURRENCY} calls in flight on keep-alive connections, ${SECONDS} s per measure`);
  const [sbx, base] = await Promise.all([start('child-sandbox'), start('child-baseline')]);
  const { port, uid, password, apiKey } = sbx.ready;
  try {
    const xmlHeaders = { 'Content-Type': 'text/xml' };
    const jsonHeaders = { 'Content-Type': 'application/json', Authorization: `bearer ${apiKey}` };
    const xmlOk = (b: string) => !b.includes('<fault>');
    const domain = [['is_company', '=', true]];
    const fields = ['name', 'email', 'phone'];
    const searchXml = Buffer.from(dumpMethodCall('execute_kw', ['demo', uid, password, 'res.partner', 'search_read', [domain], { fields, limit: 5 }]));
    const targets: Array<[string, Target]> = [
      ['baseline (bare node:http, fixed JSON)', { port: base.ready.port, path: '/xmlrpc/2/object', body: searchXml, headers: xmlHeaders, ok: () => true }],
      ['search_read XML-RPC', { port, path: '/xmlrpc/2/object', body: searchXml, headers: xmlHeaders, ok: xmlOk }],
      ['search_read JSON-2', { port, path: '/json/2/res.partner/search_read', body: Buffer.from(JSON.stringify({ domain, fields, limit: 5 })), headers: jsonHeaders, ok: (b) => b.startsWith('[') }],
      ['create XML-RPC', { port, path: '/xmlrpc/2/object', body: Buffer.from(dumpMethodCall('execute_kw', ['demo', uid, password, 'res.partner', 'create', [{ name: 'Bench XML-RPC', email: 'bench@example.com' }]])), headers: xmlHeaders, ok: xmlOk }],
      ['create JSON-2', { port, path: '/json/2/res.partner/create', body: Buffer.from(JSON.stringify({ vals_list: [{ name: 'Bench JSON-2', email: 'bench@example.com' }] })), headers: jsonHeaders, ok: (b) => b.startsWith('[') }],
    ];
    const results: Record<string, Result> = {};
    for (const [name, target] of targets) {
      const r = await measure(target);
      results[name] = r;
      console.log(`  ${name.padEnd(40)} ${String(r.callsPerS).padStart(7)} calls/s  (${r.calls} calls, ${r.errors} errors)${r.firstError ? `  first error: ${r.firstError}` : ''}`);
    }
    const baseline = results['baseline (bare node:http, fixed JSON)'].callsPerS;
    const value = results['search_read XML-RPC'].callsPerS;
    const errors = Object.values(results).reduce((n, r) => n + r.errors, 0);
    console.log(`  target: >= 3000 small search_read calls/s over XML-RPC; measured ${value} (${Math.round((value / baseline) * 100)}% of the bare server)`);
    console.log(
      JSON.stringify({
        bench: 'sandbox',
        metric: 'search_read_xmlrpc_calls_per_s',
        unit: 'calls/s',
        value,
        baseline,
        ratio: Number((value / baseline).toFixed(3)),
        search_read_json2_calls_per_s: results['search_read JSON-2'].callsPerS,
        create_xmlrpc_calls_per_s: results['create XML-RPC'].callsPerS,
        create_json2_calls_per_s: results['create JSON-2'].callsPerS,
        concurrency: CONCURRENCY,
        seconds_per_measure: SECONDS,
        sandbox_process: 'child',
        errors,
        total_s: Math.round((Date.now() - t0) / 100) / 10,
      }),
    );
    if (errors > 0) process.exitCode = 1;
  } finally {
    sbx.child.removeAllListeners('exit');
    base.child.removeAllListeners('exit');
    sbx.child.disconnect();
    base.child.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
