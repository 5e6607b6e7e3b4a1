/**
 * `npm run sandbox`: starts the Odoo sandbox and, when present, the CRM sandbox; prints URLs, the
 * database, users and API keys. With --data FILE the Odoo data is loaded from and saved to FILE
 * (on exit, SIGINT or SIGTERM).
 */
import fs from 'fs';
import path from 'path';
import type { FaultConfig } from './odoo/faults';
import { startOdooSandbox, OdooSandbox } from './odoo/server';
import type { OdooVersion } from './odoo/types';

export interface CliOptions {
  host: string;
  port: number;
  version: OdooVersion;
  dataFile?: string;
  faults: Partial<FaultConfig>;
  crm: boolean;
  crmPort: number;
  quiet: boolean;
}

const USAGE = `Usage: npm run sandbox -- [options]

  --odoo-version 17|18|19     Odoo version to emulate (default 19)
  --port N                    Odoo sandbox port (default $ODOO_SANDBOX_PORT or 8069; 0 = any free port)
  --host H                    listen address (default 127.0.0.1)
  --data FILE                 load the data from FILE if it exists, save it there on exit
  --crm-port N                CRM sandbox port (default $CRM_SANDBOX_PORT or 8070)
  --no-crm                    do not start the CRM sandbox
  --quiet                     print only the URLs

Fault injection (off by default; change at run time with POST /sandbox/faults):
  --latency-ms N              add N ms to every call
  --latency-jitter-ms N       add a random 0..N ms on top
  --fail-rate R               share (0..1) of calls answered 503/502
  --fail-status S[,S...]      statuses used by --fail-rate (default 503,502)
  --reset-rate R              share of calls whose connection is reset
  --rate-limit N              answer 429 beyond N calls per second
  --rate-limit-rate R         share of calls answered 429
  --retry-after S             Retry-After seconds sent with 429/503 (default 1)
  --concurrent-update-rate R  share of object calls failing with Odoo's concurrent-update error
  --concurrent-update-kind K  serialization (default) or lock (Odoo 19 LockError, 409 on JSON-2)
  --outage-ms N               refuse every call for N ms from start (-1 = until cleared)
  --outage-mode M             reset (default) or 503
  --fault-seed N              seed of the random draws (default 1)
`;

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const opts: CliOptions = {
    host: '127.0.0.1',
    port: Number(env.ODOO_SANDBOX_PORT ?? 8069),
    version: 19,
    faults: {},
    crm: true,
    crmPort: Number(env.CRM_SANDBOX_PORT ?? 8070),
    quiet: false,
  };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = (): string | undefined => (value !== undefined ? value : argv[++i]);
    switch (arg) {
      case '--help':
      case '-h':
        throw new HelpRequested();
      case '--odoo-version': {
        const v = num(arg, next());
        if (v !== 17 && v !== 18 && v !== 19) throw new Error('--odoo-version must be 17, 18 or 19');
        opts.version = v;
        break;
      }
      case '--port':
        opts.port = num(arg, next());
        break;
      case '--host': {
        const v = next();
        if (!v) throw new Error('--host needs a value');
        opts.host = v;
        break;
      }
      case '--data': {
        const v = next();
        if (!v) throw new Error('--data needs a file name');
        opts.dataFile = path.resolve(v);
        break;
      }
      case '--crm-port':
        opts.crmPort = num(arg, next());
        break;
      case '--no-crm':
        opts.crm = false;
        break;
      case '--quiet':
        opts.quiet = true;
        break;
      case '--latency-ms':
        opts.faults.latencyMs = num(arg, next());
        break;
      case '--latency-jitter-ms':
        opts.faults.latencyJitterMs = num(arg, next());
        break;
      case '--fail-rate':
        opts.faults.failRate = num(arg, next());
        break;
      case '--fail-status':
        opts.faults.failStatuses = String(next() ?? '').split(',').map((s) => num(arg, s));
        break;
      case '--reset-rate':
        opts.faults.resetRate = num(arg, next());
        break;
      case '--rate-limit':
        opts.faults.rateLimitPerSecond = num(arg, next());
        break;
      case '--rate-limit-rate':
        opts.faults.rateLimitRate = num(arg, next());
        break;
      case '--retry-after':
        opts.faults.retryAfterS = num(arg, next());
        break;
      case '--concurrent-update-rate':
        opts.faults.concurrentUpdateRate = num(arg, next());
        break;
      case '--concurrent-update-kind': {
        const v = next();
        if (v !== 'serialization' && v !== 'lock') throw new Error('--concurrent-update-kind must be serialization or lock');
        opts.faults.concurrentUpdateKind = v;
        break;
      }
      case '--outage-ms':
        opts.faults.outageMs = num(arg, next());
        break;
      case '--outage-mode': {
        const v = next();
        if (v !== 'reset' && v !== '503') throw new Error('--outage-mode must be reset or 503');
        opts.faults.outageMode = v;
        break;
      }
      case '--fault-seed':
        opts.faults.seed = num(arg, next());
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  return opts;
}

export class HelpRequested extends Error {}

interface CrmHandle {
  url: string;
  token?: string;
  secret?: string;
  close(): Promise<void>;
}

/** The CRM sandbox's starter, if sandbox/crm/server exists in this build. */
function loadCrmStarter(): ((o: { host: string; port: number; quiet?: boolean }) => Promise<CrmHandle>) | null {
  const base = path.join(__dirname, 'crm', 'server');
  if (!['.js', '.ts'].some((ext) => fs.existsSync(base + ext))) return null;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(base) as { startCrmSandbox?: (o: { host: string; port: number; quiet?: boolean }) => Promise<CrmHandle> };
  return mod.startCrmSandbox ?? null;
}

export interface RunningSandboxes {
  odoo: OdooSandbox;
  crm: CrmHandle | null;
  stop(): Promise<void>;
}

export async function runSandboxes(opts: CliOptions): Promise<RunningSandboxes> {
  const odoo = await startOdooSandbox({
    host: opts.host,
    port: opts.port,
    version: opts.version,
    dataFile: opts.dataFile,
    faults: opts.faults,
    quiet: opts.quiet,
  });
  if (opts.quiet) console.log(`Odoo sandbox: ${odoo.url} (database ${odoo.db}, Odoo ${odoo.version}.0)`);
  if (opts.dataFile) console.log(`  data file: ${opts.dataFile}${fs.existsSync(opts.dataFile) ? ' (loaded)' : ' (new; written on exit)'}`);
  const f = odoo.faults.get();
  if (f.enabled) console.log(`  fault injection: ${JSON.stringify(opts.faults)}`);
  let crm: CrmHandle | null = null;
  if (opts.crm) {
    const start = loadCrmStarter();
    if (start) {
      try {
        crm = await start({ host: opts.host, port: opts.crmPort, quiet: opts.quiet });
        if (opts.quiet) console.log(`CRM sandbox: ${crm.url}`);
      } catch (err) {
        await odoo.close();
        throw err;
      }
    } else if (!opts.quiet) {
      console.log('CRM sandbox: not built (sandbox/crm/server missing), skipped');
    }
  }
  let stopping: Promise<void> | null = null;
  return {
    odoo,
    crm,
    stop() {
      if (!stopping) {
        stopping = (async () => {
          if (crm) await crm.close();
          await odoo.close();
        })();
      }
      return stopping;
    },
  };
}

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(USAGE);
      return;
    }
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const running = await runSandboxes(opts);
  const shutdown = (signal: string): void => {
    if (!opts.quiet) console.log(`\n${signal}: stopping${opts.dataFile ? ` and saving ${opts.dataFile}` : ''}`);
    running.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
