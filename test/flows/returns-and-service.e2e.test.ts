/**
 * Flow 6 (returns and service cases, both ways), loaded unchanged: a CRM ticket creates the Odoo return
 * through the return wizard, the return's progress goes back to the ticket, a cancelled ticket cancels
 * a return not yet received, and a ticket for an unknown order goes to the exception list.
 */
import assert from 'assert';
import { NodeRedProcess, Sandboxes, exceptions, flowFile, startNodeRed, startSandboxes, waitFor, waitForSubscriptions } from './helpers/harness';

const FILE = '06-returns-and-service.json';

describe('flow 06: returns and service cases (e2e)', function () {
  this.timeout(90000);
  let sb: Sandboxes;
  let nr: NodeRedProcess;
  let orderName: string;
  const ticket = (id: string) => sb.crmApi.get('tickets', id, ['return_status', 'odoo_return_ref', 'odoo_sync_status']);
  const newTicket = (props: Record<string, unknown>) => sb.crmApi.userCreate('tickets', {
    subject: 'Return', hs_pipeline: '0', hs_pipeline_stage: '1', return_status: 'requested', ...props,
  }, [{ type: 'companies', id: sb.crm.seed.companies.C001 }]);

  before(async () => {
    sb = await startSandboxes();
    nr = await startNodeRed({ flows: [flowFile(FILE)], sandboxes: sb });
    await waitForSubscriptions(sb, 1);
    const [partner] = await sb.odooRpc.searchRead('res.partner', [['ref', '=', 'C001']], ['id']);
    const [product] = await sb.odooRpc.searchRead('product.product', [['default_code', '=', 'DIST-0003']], ['id']);
    const so = await sb.odooRpc.call<number>('sale.order', 'create', [{ partner_id: partner.id, order_line: [[0, 0, { product_id: product.id, product_uom_qty: 20 }]] }]);
    await sb.odooRpc.call('sale.order', 'action_confirm', [[so]]);
    const [picking] = await sb.odooUser.openDeliveries(so);
    await sb.odooUser.ship(picking.id);
    orderName = (await sb.odooRpc.call('sale.order', 'read', [[so]], { fields: ['name'] }))[0].name;
  });
  after(async () => {
    await nr?.stop();
    await sb?.close();
  });

  it('creates the return from the delivery and reports received back to the ticket', async () => {
    const t = await newTicket({ return_order_ref: orderName, return_sku: 'DIST-0003', return_quantity: 5, return_reason: 'damaged' });
    const approved = await waitFor('the return', async () => {
      const x = await ticket(t.id);
      return x.properties.odoo_return_ref ? x : undefined;
    });
    assert.strictEqual(approved.properties.return_status, 'approved');
    const [ret] = await sb.odooRpc.searchRead('stock.picking', [['name', '=', approved.properties.odoo_return_ref]], ['state', 'origin', 'picking_type_code', 'return_id', 'move_ids']);
    assert.strictEqual(ret.picking_type_code, 'incoming');
    assert.match(ret.origin, new RegExp(`CRM ticket ${t.id}`));
    const moves = await sb.odooRpc.call<Array<{ product_uom_qty: number }>>('stock.move', 'read', [ret.move_ids], { fields: ['product_uom_qty'] });
    assert.deepStrictEqual(moves.map((m) => m.product_uom_qty), [5]);
    await sb.odooUser.receive(ret.id);
    await waitFor('received on the ticket', async () => (await ticket(t.id)).properties.return_status === 'received' || undefined);
  });

  it('cancels a return not yet received when the ticket is cancelled', async () => {
    const t = await newTicket({ return_order_ref: orderName, return_sku: 'DIST-0003', return_quantity: 2 });
    const ref = await waitFor('the return', async () => (await ticket(t.id)).properties.odoo_return_ref || undefined);
    await sb.crmApi.userUpdate('tickets', t.id, { return_status: 'cancelled' });
    await waitFor('the cancellation in Odoo', async () => (await sb.odooRpc.searchRead('stock.picking', [['name', '=', ref]], ['state']))[0].state === 'cancel' || undefined);
    await waitFor('cancelled on the ticket', async () => (await ticket(t.id)).properties.odoo_sync_status === 'return cancelled' || undefined);
  });

  it('sends a return for an unknown order to the exception list, creating nothing', async () => {
    const before = await sb.odooRpc.call<number>('stock.picking', 'search_count', [[['picking_type_code', '=', 'incoming']]]);
    const t = await newTicket({ return_order_ref: 'S99999', return_sku: 'DIST-0003', return_quantity: 1 });
    const exc = await waitFor('the exception', async () => (await exceptions(nr, 'returns')).find((e) => e.crmId === t.id));
    assert.match(exc.reason, /S99999/);
    assert.strictEqual(await sb.odooRpc.call<number>('stock.picking', 'search_count', [[['picking_type_code', '=', 'incoming']]]), before);
  });
});
