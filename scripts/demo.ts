/**
 * `npm run demo`: plays a whole quote-to-cash story through the shipped flows and prints each step as the CRM
 * and Odoo see it. It starts its own stack in this process (both sandboxes and Node-RED with all six flows,
 * on free ports, in a temporary user directory), so it never disturbs a running `npm start`.
 *
 * The CRM side is driven the way a sales rep would (the CRM sandbox's admin API, which fires signed webhooks);
 * the Odoo side the way a warehouse or accounting user's automation would, over Odoo's external API
 * (shared/odoo-quote-to-cash.md): stock.move quantity/picked + button_validate + the backorder wizard,
 * sale.advance.payment.inv + action_post, account.payment.register, stock.return.picking.
 *
 *   --odoo-version 17|18|19   (default 19)    --keep   leave the stack running at the end
 *
 * The Odoo/CRM helpers below are also used by the end-to-end tests and bench/flows.ts.
 */
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

// ---------------------------------------------------------------- Odoo over JSON-RPC (as a user's automation)

export class OdooRpc {
  private uid: number | undefined;
  constructor(readonly url: string, readonly db = 'demo', readonly login = 'admin', readonly password = 'admin') {}

  private async rpc(service: string, method: string, args: unknown[]): Promise<unknown> {
    const res = await fetch(`${this.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: { service, method, args } }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string; data?: { message?: string; name?: string } } };
    if (body.error) throw new Error(`${body.error.data?.name ?? 'odoo'}: ${body.error.data?.message ?? body.error.message}`);
    // A method returning None answers without a result key over JSON-RPC.
    return 'result' in body ? body.result : null;
  }

  async call<T = any>(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<T> {
    if (this.uid === undefined) {
      const uid = await this.rpc('common', 'authenticate', [this.db, this.login, this.password, {}]);
      if (typeof uid !== 'number') throw new Error(`cannot log in to ${this.url} as ${this.login}`);
      this.uid = uid;
    }
    return (await this.rpc('object', 'execute_kw', [this.db, this.uid, this.password, model, method, args, kwargs])) as T;
  }

  searchRead<T = Record<string, any>>(model: string, domain: unknown[], fields: string[], kwargs: Record<string, unknown> = {}): Promise<T[]> {
    return this.call<T[]>(model, 'search_read', [domain], { fields, ...kwargs });
  }

  async readOne<T = Record<string, any>>(model: string, id: number, fields: string[]): Promise<T> {
    const rows = await this.call<T[]>(model, 'read', [[id]], { fields });
    return rows[0];
  }

  async version(): Promise<number> {
    const v = (await this.rpc('common', 'version', [])) as { server_version_info: unknown[] };
    return Number(v.server_version_info[0]);
  }
}

/** What warehouse and accounting users do by hand in Odoo, done over the external API. */
export class OdooUser {
  constructor(readonly odoo: OdooRpc) {}

  /** The order's outgoing pickings that are not done or cancelled, oldest first. */
  async openDeliveries(orderId: number): Promise<Array<{ id: number; name: string; state: string }>> {
    return this.odoo.searchRead('stock.picking', [['sale_id', '=', orderId], ['picking_type_code', '=', 'outgoing'], ['state', 'not in', ['done', 'cancel']]], ['name', 'state'], { order: 'id asc' });
  }

  /**
   * Ship a picking: set each move's shipped quantity (default: all of it) and picked, optionally a tracking
   * reference, validate; when Odoo asks "Create Backorder?", answer yes through the wizard as the dialog does.
   */
  async ship(pickingId: number, quantities: Record<string, number> = {}, trackingRef?: string): Promise<{ backorder: boolean }> {
    const moves = await this.odoo.searchRead<{ id: number; product_id: [number, string]; product_uom_qty: number }>('stock.move', [['picking_id', '=', pickingId]], ['product_id', 'product_uom_qty']);
    const codes = await this.odoo.call<Array<{ id: number; default_code: string }>>('product.product', 'read', [moves.map((m) => m.product_id[0])], { fields: ['default_code'] });
    const codeOf = new Map(codes.map((p) => [p.id, p.default_code]));
    for (const m of moves) {
      const code = codeOf.get(m.product_id[0]) ?? '';
      const qty = quantities[code] ?? m.product_uom_qty;
      await this.odoo.call('stock.move', 'write', [[m.id], { quantity: qty, picked: true }]);
    }
    if (trackingRef) await this.odoo.call('stock.picking', 'write', [[pickingId], { carrier_tracking_ref: trackingRef }]);
    const res = await this.odoo.call<unknown>('stock.picking', 'button_validate', [[pickingId]]);
    if (res && typeof res === 'object' && (res as { res_model?: string }).res_model === 'stock.backorder.confirmation') {
      const context = (res as { context: Record<string, unknown> }).context;
      const wiz = await this.odoo.call<number>('stock.backorder.confirmation', 'create', [{}], { context });
      await this.odoo.call('stock.backorder.confirmation', 'process', [[wiz]], { context });
      return { backorder: true };
    }
    return { backorder: false };
  }

  /** Invoice what was delivered (the "Create Invoice" button, regular invoice) and post it. */
  async invoiceAndPost(orderId: number): Promise<number> {
    const context = { active_model: 'sale.order', active_ids: [orderId], active_id: orderId };
    const wiz = await this.odoo.call<number>('sale.advance.payment.inv', 'create', [{ advance_payment_method: 'delivered' }], { context });
    const action = await this.odoo.call<{ res_id?: number }>('sale.advance.payment.inv', 'create_invoices', [[wiz]], { context });
    let invoiceId = action && action.res_id;
    if (!invoiceId) {
      const so = await this.odoo.readOne<{ invoice_ids: number[] }>('sale.order', orderId, ['invoice_ids']);
      invoiceId = Math.max(...so.invoice_ids);
    }
    await this.odoo.call('account.move', 'action_post', [[invoiceId]]);
    return invoiceId;
  }

  /** Register a payment on an invoice (the "Register Payment" button); without amount the rest is paid. */
  async pay(invoiceId: number, amount?: number): Promise<void> {
    const context = { active_model: 'account.move', active_ids: [invoiceId] };
    const wiz = await this.odoo.call<number>('account.payment.register', 'create', [amount === undefined ? {} : { amount }], { context });
    await this.odoo.call('account.payment.register', 'action_create_payments', [[wiz]], { context });
  }

  /** Validate a receipt (e.g. a return): nothing needs to be marked picked first. */
  async receive(pickingId: number): Promise<void> {
    await this.odoo.call('stock.picking', 'button_validate', [[pickingId]]);
  }
}

// ---------------------------------------------------------------- CRM (HubSpot CRM v3 subset)

export class CrmApi {
  constructor(readonly url: string, readonly token = process.env.CRM_TOKEN ?? process.env.CRM_SANDBOX_TOKEN ?? 'sandbox-token') {}

  async request<T = any>(method: string, p: string, body?: unknown, auth = true): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`CRM ${method} ${p} -> ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** As a user in the CRM's UI (admin API: fires webhooks like a UI change). */
  userCreate(type: string, properties: Record<string, unknown>, associations?: Array<{ type: string; id: string; primary?: boolean }>): Promise<{ id: string; properties: Record<string, any> }> {
    return this.request('POST', `/sandbox/records/${type}`, { properties, associations }, false);
  }

  userUpdate(type: string, id: string, properties: Record<string, unknown>): Promise<{ id: string; properties: Record<string, any> }> {
    return this.request('PATCH', `/sandbox/records/${type}/${id}`, { properties }, false);
  }

  async flush(): Promise<void> {
    await this.request('POST', '/sandbox/flush', undefined, false);
  }

  get(type: string, id: string, properties: string[] = [], associations: string[] = []): Promise<{ id: string; properties: Record<string, any>; associations?: Record<string, { results: Array<{ id: string }> }> }> {
    const q = new URLSearchParams();
    if (properties.length) q.set('properties', properties.join(','));
    if (associations.length) q.set('associations', associations.join(','));
    return this.request('GET', `/crm/v3/objects/${type}/${encodeURIComponent(id)}?${q.toString()}`);
  }

  async list(type: string, properties: string[] = []): Promise<Array<{ id: string; properties: Record<string, any> }>> {
    const out: Array<{ id: string; properties: Record<string, any> }> = [];
    let after: string | undefined;
    for (;;) {
      const q = new URLSearchParams({ limit: '100' });
      if (properties.length) q.set('properties', properties.join(','));
      if (after) q.set('after', after);
      const page = await this.request<{ results: any[]; paging?: { next?: { after: string } } }>('GET', `/crm/v3/objects/${type}?${q.toString()}`);
      out.push(...page.results);
      after = page.paging?.next?.after;
      if (!after) return out;
    }
  }

  /** Note bodies on a record, oldest first. */
  async notes(type: string, id: string): Promise<string[]> {
    const rec = await this.get(type, id, [], ['notes']);
    const ids = rec.associations?.notes?.results.map((r) => r.id) ?? [];
    if (!ids.length) return [];
    const res = await this.request<{ results: Array<{ id: string; properties: Record<string, any> }> }>('POST', '/crm/v3/objects/notes/batch/read', { inputs: ids.map((i) => ({ id: i })), properties: ['hs_note_body', 'hs_timestamp'] });
    return res.results.sort((a, b) => Number(a.id) - Number(b.id)).map((n) => String(n.properties.hs_note_body ?? ''));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll until `probe` gives a value (not undefined/false), or fail saying what was awaited. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 20000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await probe();
      last = v;
      if (v !== undefined && v !== false && v !== null) return v as T;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const detail = lastErr ? ` (last error: ${lastErr instanceof Error ? lastErr.message : String(lastErr)})` : ` (last value: ${JSON.stringify(last)})`;
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await sleep(everyMs);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- the story

function parseArgs(argv: string[]): { version: 17 | 18 | 19; keep: boolean } {
  const i = argv.indexOf('--odoo-version');
  const version = i >= 0 ? Number(argv[i + 1]) : 19;
  if (![17, 18, 19].includes(version)) throw new Error(`--odoo-version must be 17, 18 or 19`);
  return { version: version as 17 | 18 | 19, keep: argv.includes('--keep') };
}

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
function step(n: number, title: string): void {
  console.log(`\n${bold(`${n}. ${title}`)}`);
}
function crmSays(text: string): void {
  console.log(`   CRM : ${text}`);
}
function odooSays(text: string): void {
  console.log(`   Odoo: ${text}`);
}

/** CRM checks poll gently: the demo shares the CRM's burst limit (100 calls / 10 s) with the flows. */
function crmWait<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 30000): Promise<T> {
  return waitFor(what, probe, timeoutMs, 700);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const port = await freePort();
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-crm-demo-'));
  process.env.PORT = String(port);
  process.env.NODE_RED_URL = `http://127.0.0.1:${port}`;
  // The demo's own stack: sandboxes on free ports (never the 8069/8070 of a running npm start).
  for (const k of ['ODOO_URL', 'CRM_URL']) delete process.env[k];
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { startStack, shippedFlowFiles } = require('./stack') as typeof import('./stack');
  const stack = await startStack({ port, userDir, flows: shippedFlowFiles(), odooVersion: args.version, odooPort: 0, crmPort: 0, quiet: true });
  const odoo = new OdooRpc(stack.odooUrl!);
  const user = new OdooUser(odoo);
  const crm = new CrmApi(stack.crmUrl!);
  console.log(`Quote-to-cash demo on Odoo ${args.version} (sandbox ${stack.odooUrl}), CRM sandbox ${stack.crmUrl}, Node-RED ${stack.url}`);
  try {
    await waitFor('the flows to subscribe to the CRM webhooks', async () => {
      const subs = await crm.request<unknown[]>('GET', '/sandbox/webhooks', undefined, false);
      return subs.length >= 3 || undefined;
    });

    step(1, 'A new customer is entered in the CRM');
    const company = await crm.userCreate('companies', {
      name: 'Pacific Fasteners Co.', domain: 'pacificfasteners.example', phone: '+1 503-555-0142', address: '1200 NW Front Ave',
      city: 'Portland', zip: '97209', country: 'United States', vat: 'US-47-1234567',
    });
    crmSays(`company ${company.id} "Pacific Fasteners Co." created by a sales rep`);
    const synced = await crmWait('the customer in Odoo', async () => (await crm.get('companies', company.id, ['odoo_partner_id', 'odoo_sync_status'])).properties.odoo_partner_id || undefined);
    const partner = await odoo.readOne('res.partner', Number(synced), ['name', 'city', 'country_id', 'vat', 'customer_rank']);
    odooSays(`res.partner ${synced} "${partner.name}", ${partner.city}, ${partner.country_id && partner.country_id[1]}`);
    crmSays(`company ${company.id} now carries odoo_partner_id=${synced}`);

    step(2, 'The sales rep wins a deal: 12 x DIST-0001 and 20 x DIST-0003');
    const products = await odoo.searchRead('product.product', [['default_code', 'in', ['DIST-0001', 'DIST-0003']]], ['default_code', 'list_price']);
    const price = (code: string) => products.find((p) => p.default_code === code)?.list_price ?? 0;
    const amount = Math.round((12 * price('DIST-0001') + 20 * price('DIST-0003')) * 100) / 100;
    const deal = await crm.userCreate('deals', { dealname: 'Pacific Fasteners - first order', dealstage: 'contractsent', pipeline: 'default', amount, deal_currency_code: 'USD' },
      [{ type: 'companies', id: company.id, primary: true }]);
    for (const [sku, qty] of [['DIST-0001', 12], ['DIST-0003', 20]] as const) {
      await crm.userCreate('line_items', { name: sku, hs_sku: sku, quantity: qty, price: price(sku) }, [{ type: 'deals', id: deal.id }]);
    }
    crmSays(`deal ${deal.id} (${amount.toFixed(2)} USD) moved to "Closed Won"`);
    await crm.userUpdate('deals', deal.id, { dealstage: 'closedwon' });
    const won = await crmWait('the confirmed order', async () => {
      const d = await crm.get('deals', deal.id, ['odoo_order_ref', 'odoo_order_state', 'odoo_sync_error']);
      return d.properties.odoo_order_state === 'sale' || d.properties.odoo_order_state === 'on hold' ? d : undefined;
    }, 30000);
    crmSays(`deal ${deal.id}: odoo_order_ref=${won.properties.odoo_order_ref}, odoo_order_state=${won.properties.odoo_order_state}${won.properties.odoo_sync_error ? ` (${won.properties.odoo_sync_error})` : ''}`);
    if (won.properties.odoo_order_state !== 'sale') throw new Error('the order was held; see the reason above');
    const [order] = await odoo.searchRead('sale.order', [['client_order_ref', '=', `CRM-${deal.id}`]], ['name', 'state', 'amount_untaxed', 'amount_total', 'delivery_status']);
    odooSays(`sale.order ${order.name} state=${order.state}, ${order.amount_untaxed.toFixed(2)} before tax, ${order.amount_total.toFixed(2)} total, client_order_ref CRM-${deal.id}`);

    step(3, 'The warehouse ships 10 of the 12 bolts and all washers; the rest goes on backorder');
    const [first] = await user.openDeliveries(order.id);
    const { backorder } = await user.ship(first.id, { 'DIST-0001': 10 }, 'TRK-1Z999AA10123456784');
    odooSays(`${first.name} validated with tracking TRK-1Z999AA10123456784${backorder ? '; backorder created for the other 2' : ''}`);
    const shipped = await crmWait('the shipment on the deal', async () => {
      const d = await crm.get('deals', deal.id, ['odoo_delivery_status', 'odoo_tracking_ref']);
      return d.properties.odoo_tracking_ref ? d : undefined;
    });
    crmSays(`deal ${deal.id}: odoo_delivery_status=${shipped.properties.odoo_delivery_status}, odoo_tracking_ref=${shipped.properties.odoo_tracking_ref}`);

    step(4, 'Accounting invoices what was delivered');
    const invoiceId = await user.invoiceAndPost(order.id);
    const inv = await odoo.readOne('account.move', invoiceId, ['name', 'amount_total', 'amount_residual', 'payment_state', 'invoice_date_due']);
    odooSays(`invoice ${inv.name}: ${inv.amount_total.toFixed(2)}, due ${inv.invoice_date_due}, payment_state ${inv.payment_state}`);
    const invoiced = await crmWait('the invoice on the deal', async () => {
      const d = await crm.get('deals', deal.id, ['odoo_invoice_ref', 'odoo_payment_status', 'odoo_amount_due']);
      return d.properties.odoo_invoice_ref ? d : undefined;
    });
    crmSays(`deal ${deal.id}: odoo_invoice_ref=${invoiced.properties.odoo_invoice_ref}, odoo_payment_status=${invoiced.properties.odoo_payment_status}, odoo_amount_due=${invoiced.properties.odoo_amount_due}`);

    const part = Math.round(inv.amount_total * 40) / 100;
    step(5, `The customer pays ${part.toFixed(2)}, then the rest`);
    await user.pay(invoiceId, part);
    odooSays(`payment of ${part.toFixed(2)} registered; invoice ${(await odoo.readOne('account.move', invoiceId, ['payment_state'])).payment_state}`);
    const partial = await crmWait('the partial payment on the deal', async () => {
      const d = await crm.get('deals', deal.id, ['odoo_payment_status', 'odoo_amount_due']);
      return d.properties.odoo_payment_status === 'partial' ? d : undefined;
    });
    crmSays(`deal ${deal.id}: odoo_payment_status=partial, odoo_amount_due=${partial.properties.odoo_amount_due}`);
    await user.pay(invoiceId);
    odooSays(`the rest paid; invoice ${(await odoo.readOne('account.move', invoiceId, ['payment_state'])).payment_state}`);
    await crmWait('the payment on the deal', async () => (await crm.get('deals', deal.id, ['odoo_payment_status'])).properties.odoo_payment_status === 'paid' || undefined);
    crmSays(`deal ${deal.id}: odoo_payment_status=paid, odoo_amount_due=0`);

    step(6, 'The backorder ships');
    const [rest] = await user.openDeliveries(order.id);
    if (rest) {
      await user.ship(rest.id, {}, 'TRK-1Z999AA10123456785');
      odooSays(`${rest.name} validated`);
      await crmWait('delivered on the deal', async () => (await crm.get('deals', deal.id, ['odoo_delivery_status'])).properties.odoo_delivery_status === 'delivered' || undefined);
      crmSays(`deal ${deal.id}: odoo_delivery_status=delivered`);
    }

    step(7, 'The customer asks to return 5 washers: a service ticket in the CRM');
    const ticket = await crm.userCreate('tickets', {
      subject: 'Return: 5 boxes of washers', content: 'Wrong size ordered', hs_pipeline: '0', hs_pipeline_stage: '1',
      return_order_ref: order.name, return_sku: 'DIST-0003', return_quantity: 5, return_reason: 'Wrong size', return_status: 'requested',
    }, [{ type: 'deals', id: deal.id }, { type: 'companies', id: company.id }]);
    crmSays(`ticket ${ticket.id} asks to return 5 x DIST-0003 from ${order.name}`);
    const approved = await crmWait('the return in Odoo', async () => {
      const t = await crm.get('tickets', ticket.id, ['odoo_return_ref', 'return_status']);
      return t.properties.odoo_return_ref ? t : undefined;
    });
    const [ret] = await odoo.searchRead('stock.picking', [['name', '=', approved.properties.odoo_return_ref]], ['name', 'state', 'origin']);
    odooSays(`return ${ret.name} (${ret.state}), origin "${ret.origin}"`);
    crmSays(`ticket ${ticket.id}: return_status=${approved.properties.return_status}, odoo_return_ref=${approved.properties.odoo_return_ref}`);
    await user.receive(ret.id);
    odooSays(`${ret.name} received and validated`);
    await crmWait('received on the ticket', async () => (await crm.get('tickets', ticket.id, ['return_status'])).properties.return_status === 'received' || undefined);
    crmSays(`ticket ${ticket.id}: return_status=received`);

    const notes = await crm.notes('deals', deal.id);
    console.log(`\nTimeline of deal ${deal.id} in the CRM:`);
    for (const n of notes) console.log(`   - ${n}`);
    const exceptions = await (await fetch(`${stack.url}/integration/exceptions/orders`)).json();
    console.log(`\nDone. Exceptions raised on the way: ${Array.isArray(exceptions) ? exceptions.length : 0}.`);
  } finally {
    if (args.keep) {
      console.log(`\nStack left running: Node-RED ${stack.url}/ (Ctrl-C to stop)`);
    } else {
      await stack.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    }
  }
}

if (require.main === module) {
  main().then(
    () => {
      if (!process.argv.includes('--keep')) process.exit(0);
    },
    (err) => {
      console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
