/**
 * Flows 4 (fulfillment milestones) and 5 (invoice and payment status), both loaded unchanged into one
 * Node-RED runtime: Odoo is driven the way warehouse and accounting users' automation would (ship with a
 * backorder, invoice, partial and full payment) and the deal in the CRM is checked after each step,
 * including a Node-RED crash in the middle (changes made while it is down arrive after the restart).
 */
import assert from 'assert';
import { NodeRedProcess, Sandboxes, flowFile, startNodeRed, startSandboxes, waitFor } from './helpers/harness';

const FILES = ['04-fulfillment-milestones.json', '05-invoice-payment-status.json'];

describe('flows 04 and 05: fulfillment milestones, invoice and payment status (e2e)', function () {
  this.timeout(120000);
  let sb: Sandboxes;
  let nr: NodeRedProcess;
  let dealId: string;
  let orderId: number;
  let invoiceId: number;
  const dealProps = ['odoo_delivery_status', 'odoo_tracking_ref', 'odoo_invoice_ref', 'odoo_payment_status', 'odoo_amount_due', 'odoo_order_state'];
  const dealHas = (what: string, test: (p: Record<string, any>) => boolean, timeout = 20000) =>
    waitFor(what, async () => {
      const d = await sb.crmApi.get('deals', dealId, dealProps);
      return test(d.properties) ? d.properties : undefined;
    }, timeout);

  before(async () => {
    sb = await startSandboxes();
    nr = await startNodeRed({ flows: FILES.map(flowFile), sandboxes: sb });
    // A won deal whose order was made in Odoo (as flow 2 would): client_order_ref carries the deal id.
    const deal = await sb.crmApi.userCreate('deals', { dealname: 'Fulfillment test', dealstage: 'closedwon', amount: 174, deal_currency_code: 'USD' },
      [{ type: 'companies', id: sb.crm.seed.companies.C001, primary: true }]);
    dealId = deal.id;
    await new Promise((r) => setTimeout(r, 1200)); // let the triggers take their starting cursor
    const [partner] = await sb.odooRpc.searchRead('res.partner', [['ref', '=', 'C001']], ['id']);
    const [product] = await sb.odooRpc.searchRead('product.product', [['default_code', '=', 'DIST-0001']], ['id']);
    orderId = await sb.odooRpc.call<number>('sale.order', 'create', [{ partner_id: partner.id, client_order_ref: `CRM-${dealId}`, order_line: [[0, 0, { product_id: product.id, product_uom_qty: 12 }]] }]);
    await sb.odooRpc.call('sale.order', 'action_confirm', [[orderId]]);
  });
  after(async () => {
    await nr?.stop();
    await sb?.close();
  });

  it('reports the reservation when the order is confirmed', async () => {
    await dealHas('reserved', (p) => p.odoo_delivery_status === 'reserved');
  });

  it('reports a partial shipment with its tracking reference and the backorder', async () => {
    const [picking] = await sb.odooUser.openDeliveries(orderId);
    const { backorder } = await sb.odooUser.ship(picking.id, { 'DIST-0001': 10 }, 'TRK-TEST-001');
    assert.ok(backorder, 'Odoo made a backorder for the 2 not shipped');
    const p = await dealHas('the shipment', (x) => x.odoo_tracking_ref === 'TRK-TEST-001');
    assert.ok(['partially shipped', 'backorder'].includes(p.odoo_delivery_status), p.odoo_delivery_status);
    const notes = await waitFor('both notes', async () => {
      const n = await sb.crmApi.notes('deals', dealId);
      return n.some((x) => /backorder/.test(x)) && n.some((x) => /TRK-TEST-001/.test(x)) ? n : undefined;
    });
    assert.ok(notes.length >= 3);
  });

  it('reports the posted invoice, then a partial and a full payment', async () => {
    invoiceId = await sb.odooUser.invoiceAndPost(orderId);
    const [inv] = await sb.odooRpc.call('account.move', 'read', [[invoiceId]], { fields: ['name', 'amount_residual'] });
    const p = await dealHas('the invoice', (x) => x.odoo_invoice_ref === inv.name);
    assert.strictEqual(p.odoo_payment_status, 'not_paid');
    assert.strictEqual(Number(p.odoo_amount_due), inv.amount_residual);
    await sb.odooUser.pay(invoiceId, 50);
    const partial = await dealHas('the partial payment', (x) => x.odoo_payment_status === 'partial');
    assert.strictEqual(Number(partial.odoo_amount_due), Math.round((inv.amount_residual - 50) * 100) / 100);
  });

  it('picks up changes made while Node-RED was down (cursor kept across a crash)', async () => {
    await nr.stop(true);
    await sb.odooUser.pay(invoiceId);
    const [rest] = await sb.odooUser.openDeliveries(orderId);
    await sb.odooUser.ship(rest.id);
    nr = await startNodeRed({ flows: FILES.map(flowFile), sandboxes: sb, port: nr.port, userDir: nr.userDir });
    const p = await dealHas('paid and delivered', (x) => x.odoo_payment_status === 'paid' && x.odoo_delivery_status === 'delivered', 30000);
    assert.strictEqual(Number(p.odoo_amount_due), 0);
  });
});
