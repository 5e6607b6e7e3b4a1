/**
 * `npm start`: the sandboxes plus Node-RED with this package's nodes and the shipped flows.
 *   --port N            Node-RED port (default $PORT or 1880)
 *   --user-dir DIR      Node-RED user directory (default ./.node-red)
 *   --flows a.json,...  deploy exactly these flow files
 *   --reset             re-seed the deployed flows from flows/
 *   --no-sandbox        use the Odoo and CRM named by ODOO_URL / CRM_URL instead of the sandboxes
 *   --odoo-version V    17, 18 or 19 (sandbox only, default 19)
 */
import { startStack } from './stack';

function parseArgs(argv: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const key = arg.slice(2);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out[key] = next;
      i++;
    } else out[key] = true;
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const version = args['odoo-version'] ? Number(args['odoo-version']) : undefined;
  if (version !== undefined && ![17, 18, 19].includes(version)) throw new Error(`--odoo-version must be 17, 18 or 19, not ${args['odoo-version']}`);
  const stack = await startStack({
    port: args.port ? Number(args.port) : undefined,
    userDir: typeof args['user-dir'] === 'string' ? args['user-dir'] : undefined,
    flows: typeof args.flows === 'string' ? args.flows.split(',') : undefined,
    reset: args.reset === true,
    sandbox: args['no-sandbox'] !== true,
    odooVersion: version as 17 | 18 | 19 | undefined,
  });
  const lines = [
    '',
    `Node-RED editor:  ${stack.url}/`,
    stack.odooUrl ? `Odoo sandbox:     ${stack.odooUrl}  (db demo, users admin/admin and integration/integration)` : `Odoo:             ${process.env.ODOO_URL}`,
    stack.crmUrl ? `CRM sandbox:      ${stack.crmUrl}  (token ${process.env.CRM_TOKEN})` : `CRM:              ${process.env.CRM_URL}`,
    '',
    'Try: open the editor, pick a flow tab, press an Inject button and watch the Debug sidebar;',
    `     curl '${stack.url}/inventory/availability?sku=DIST-0001,DIST-0002'`,
    '     npm run demo   (plays a whole quote-to-cash story against the sandboxes)',
    '',
  ];
  console.log(lines.join('\n'));
  const shutdown = async () => {
    await stack.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
