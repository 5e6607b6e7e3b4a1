/**
 * The quote-to-cash story of shared/odoo-quote-to-cash.md, step by step, on 17, 18 and 19, driven
 * through execute_kw as the admin user, with the numbers and per-version differences observed on real Odoo.
 */
import assert from 'assert/strict';
import { client, demoDb, storable, VERSIONS, type Client, type Rec } from './helpers';
import { OdooException } from '../../../sandbox/odoo/exceptions';

const QTY = ['qty_available', 'free_qty', 'virtual_available', 'outgoing_qty'];

function qty(c: Client, product: number, context?: Record<string, unknown>): number[] {
  const r = c.read('product.product', product, QTY, context);
  return [r.qty_available, r.free_qty, r.virtual_available, r.outgoing_qty];
}

function expectFault(fn: () => unknown, name: string, text?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OdooException, `expected an Odoo exception, got ${String(e)}`);
    assert.equal(e.name, name);
    if (text) assert.match(e.message, text);
    return true;
  });
}

for (const version of VERSIONS) {
  describe(`sandbox models: quote-to-cash on Odoo ${version}`, function () {
    this.timeout(20000);
    const db = demoDb(version);
    const c = client(db, 'admin', 'admin');
    const whKey = version === 17 ? 'warehouse' : 'warehouse_id';
    const otherKey = version === 17 ? 'warehouse_id' : 'warehouse';
    const today = new Date().toISOString().slice(0, 10);
    let company: number;
    let product: number;
    let whA: Rec;
    let whB: number;
    let stockB: number;
    let customer: number;
    let pricelist: number;
    let so: number;
    let line: number;
    let delivery: number;
    let deliveredMove: number;
    let backorder: number;
    let invoice: number;
    let invoiceName: string;
    let payment1: number;
    let returnPicking: number;

    it('1. stock setup: product, second warehouse, inventory counts applied', () => {
      company = c.call('res.users', 'read', [[c.uid], ['company_id']])[0].company_id[0];
      product = c.call('product.product', 'create', [{ name: 'Q2C Widget', default_code: 'Q2C-1', list_price: 100.0, invoice_policy: 'delivery', ...storable(version) }]);
      if (version === 17) {
        expectFault(() => c.call('product.product', 'create', [{ name: 'x', type: 'consu', is_storable: true }]), 'ValueError', /is_storable/);
      } else {
        expectFault(() => c.call('product.product', 'create', [{ name: 'x', type: 'product' }]), 'ValueError');
      }
      [whA] = c.searchRead('stock.warehouse', [['company_id', '=', company]], ['code', 'lot_stock_id'], { limit: 1 });
      assert.equal(whA.code, 'WH');
      assert.equal(whA.lot_stock_id[1], 'WH/Stock');
      whB = c.call('stock.warehouse', 'create', [{ name: 'Quote to cash B', code: 'Q2CB', company_id: company }]);
      const b = c.read('stock.warehouse', whB, ['lot_stock_id']);
      stockB = b.lot_stock_id[0];
      assert.equal(b.lot_stock_id[1], 'Q2CB/Stock');
      assert.equal(c.read('stock.location', stockB, ['warehouse_id']).warehouse_id[0], whB);

      const ctx = { context: { inventory_mode: true } };
      const quants: number[] = c.call('stock.quant', 'create', [[
        { product_id: product, location_id: whA.lot_stock_id[0], inventory_quantity: 10 },
        { product_id: product, location_id: stockB, inventory_quantity: 5 },
      ]], ctx);
      assert.equal(quants.length, 2);
      const before = c.call('stock.quant', 'read', [quants, ['quantity', 'inventory_quantity', 'inventory_quantity_set', 'inventory_diff_quantity']]);
      assert.deepEqual(before.map((q: Rec) => [q.quantity, q.inventory_quantity, q.inventory_quantity_set, q.inventory_diff_quantity]), [[0, 10, true, 10], [0, 5, true, 5]]);
      assert.equal(c.read('product.product', product, ['qty_available']).qty_available, 0);
      assert.equal(c.call('stock.quant', 'action_apply_inventory', [quants], ctx), null);
      const after = c.call('stock.quant', 'read', [quants, ['quantity', 'inventory_quantity', 'inventory_quantity_set']]);
      assert.deepEqual(after.map((q: Rec) => [q.quantity, q.inventory_quantity, q.inventory_quantity_set]), [[10, 0, false], [5, 0, false]]);
    });

    it('1. quantities per warehouse and location, with this version\'s context key', () => {
      assert.deepEqual(qty(c, product).slice(0, 3), [15, 15, 15]);
      assert.deepEqual(qty(c, product, { [whKey]: whA.id }).slice(0, 3), [10, 10, 10]);
      assert.deepEqual(qty(c, product, { [whKey]: whB }).slice(0, 3), [5, 5, 5]);
      assert.deepEqual(qty(c, product, { [otherKey]: whA.id }).slice(0, 3), [15, 15, 15], 'the other version\'s key is ignored');
      assert.equal(qty(c, product, { location: whA.lot_stock_id[0] })[0], 10);
      assert.equal(qty(c, product, { location: 'Q2CB/Stock' })[0], 5);
      assert.deepEqual(c.call('product.product', 'search', [[['id', '=', product], ['qty_available', '>', 14]]]), [product]);
      assert.deepEqual(c.call('product.product', 'search', [[['id', '=', product], ['qty_available', '>', 14]]], { context: { [whKey]: whA.id } }), []);
    });

    it('2. pricelist with a 10% rule on the customer gives 90.0 and 1080 / 162 / 1242', () => {
      pricelist = c.call('product.pricelist', 'create', [{
        name: 'Q2C 10%', item_ids: [[0, 0, { applied_on: '0_product_variant', product_id: product, compute_price: 'percentage', percent_price: 10.0 }]],
      }]);
      const pl = c.read('product.pricelist', pricelist, ['currency_id', 'sequence', 'active']);
      assert.equal(pl.currency_id[1], 'USD');
      assert.equal(pl.sequence, 16);
      customer = c.call('res.partner', 'create', [{ name: 'Q2C Customer Inc', is_company: true }]);
      c.call('res.partner', 'write', [[customer], { property_product_pricelist: pricelist }]);
      assert.deepEqual(c.read('res.partner', customer, ['property_product_pricelist']).property_product_pricelist, [pricelist, 'Q2C 10% (USD)']);
      so = c.call('sale.order', 'create', [{ partner_id: customer, client_order_ref: 'PO-Q2C-1', order_line: [[0, 0, { product_id: product, product_uom_qty: 12 }]] }]);
      const o = c.read('sale.order', so, ['pricelist_id', 'warehouse_id', 'state', 'amount_untaxed', 'amount_tax', 'amount_total', 'order_line', 'name']);
      assert.equal(o.pricelist_id[0], pricelist);
      assert.equal(o.warehouse_id[0], whA.id);
      assert.equal(o.state, 'draft');
      assert.match(o.name, /^S\d{5}$/);
      assert.deepEqual([o.amount_untaxed, o.amount_tax, o.amount_total], [1080, 162, 1242]);
      line = o.order_line[0];
      const taxField = version === 19 ? 'tax_ids' : 'tax_id';
      const l = c.read('sale.order.line', line, ['price_unit', 'discount', 'price_subtotal', 'price_tax', 'price_total', taxField]);
      assert.deepEqual([l.price_unit, l.discount, l.price_subtotal, l.price_tax, l.price_total], [90, 0, 1080, 162, 1242]);
      assert.equal(c.read('account.tax', l[taxField][0], ['name']).name, '15%');
    });

    it('3. confirm: one delivery reserving 10 of 12 in WH, origin per version', () => {
      assert.equal(c.call('sale.order', 'action_confirm', [[so]]), true);
      const o = c.read('sale.order', so, ['state', 'delivery_status', 'invoice_status', 'picking_ids', 'name']);
      assert.deepEqual([o.state, o.delivery_status, o.invoice_status, o.picking_ids.length], ['sale', 'pending', 'no', 1]);
      delivery = o.picking_ids[0];
      const p = c.read('stock.picking', delivery, ['state', 'origin', 'move_ids', 'location_dest_id', 'picking_type_code', 'name', 'sale_id', 'scheduled_date']);
      assert.equal(p.state, 'assigned');
      assert.equal(p.origin, version === 18 ? `${o.name} - PO-Q2C-1` : o.name);
      assert.equal(p.location_dest_id[1], version === 19 ? 'Customers' : 'Partners/Customers');
      assert.equal(p.picking_type_code, 'outgoing');
      assert.match(p.name, /^WH\/OUT\/\d{5}$/);
      assert.equal(p.sale_id[0], so);
      assert.equal(p.move_ids.length, 1);
      deliveredMove = p.move_ids[0];
      const m = c.read('stock.move', deliveredMove, ['state', 'product_uom_qty', 'quantity', 'picked', 'location_id', 'sale_line_id']);
      assert.deepEqual([m.state, m.product_uom_qty, m.quantity, m.picked], ['partially_available', 12, 10, false]);
      assert.equal(m.location_id[1], 'WH/Stock');
      assert.equal(m.sale_line_id[0], line);
      assert.deepEqual(qty(c, product), [15, 5, 3, 12]);
      assert.deepEqual(qty(c, product, { [whKey]: whA.id }).slice(0, 3), [10, 0, -2]);
      assert.deepEqual(qty(c, product, { [whKey]: whB }).slice(0, 3), [5, 5, 5]);
      expectFault(() => c.call('sale.order', 'action_confirm', [[so]]), 'UserError', /Some orders are not in a state requiring confirmation\./);
    });

    it('3. ship 10: button_validate asks for a backorder, the wizard makes one of 2', () => {
      assert.equal(c.call('stock.move', 'write', [[deliveredMove], { quantity: 10, picked: true }]), true);
      const action = c.call('stock.picking', 'button_validate', [[delivery]]);
      assert.equal(action.name, 'Create Backorder?');
      assert.equal(action.res_model, 'stock.backorder.confirmation');
      assert.equal(action.target, 'new');
      assert.deepEqual(action.context, { button_validate_picking_ids: [delivery], default_show_transfers: false, default_pick_ids: [[4, delivery]] });
      assert.equal(c.read('stock.picking', delivery, ['state']).state, 'assigned');
      const wiz = c.call('stock.backorder.confirmation', 'create', [{}], { context: action.context });
      const w = c.read('stock.backorder.confirmation', wiz, ['pick_ids', 'backorder_confirmation_line_ids']);
      assert.deepEqual(w.pick_ids, [delivery]);
      assert.equal(w.backorder_confirmation_line_ids.length, 1);
      assert.equal(c.call('stock.backorder.confirmation', 'process', [[wiz]], { context: action.context }), true);

      const p = c.read('stock.picking', delivery, ['state', 'date_done', 'backorder_id', 'origin']);
      assert.equal(p.state, 'done');
      assert.match(p.date_done, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      assert.equal(p.backorder_id, false);
      const m = c.read('stock.move', deliveredMove, ['state', 'product_uom_qty', 'quantity']);
      assert.deepEqual([m.state, m.product_uom_qty, m.quantity], ['done', 10, 10]);
      const bos = c.call('stock.picking', 'search', [[['backorder_id', '=', delivery]]]);
      assert.equal(bos.length, 1);
      backorder = bos[0];
      const bo = c.read('stock.picking', backorder, ['state', 'origin', 'move_ids', 'location_id', 'location_dest_id', 'name']);
      assert.equal(bo.state, 'confirmed');
      assert.equal(bo.origin, p.origin);
      assert.match(bo.name, /^WH\/OUT\/\d{5}$/);
      const bm = c.read('stock.move', bo.move_ids[0], ['product_uom_qty', 'quantity', 'sale_line_id']);
      assert.deepEqual([bm.product_uom_qty, bm.quantity, bm.sale_line_id[0]], [2, 0, line]);
      assert.deepEqual(c.read('sale.order', so, ['picking_ids']).picking_ids.sort(), [delivery, backorder].sort());
      const l = c.read('sale.order.line', line, ['qty_delivered', 'qty_to_invoice', 'qty_invoiced']);
      assert.deepEqual([l.qty_delivered, l.qty_to_invoice, l.qty_invoiced], [10, 10, 0]);
      const o = c.read('sale.order', so, ['delivery_status', 'invoice_status']);
      assert.deepEqual([o.delivery_status, o.invoice_status], ['partial', 'to invoice']);
      assert.deepEqual(qty(c, product), [5, 5, 3, 2]);
      assert.deepEqual(qty(c, product, { [whKey]: whA.id }).slice(0, 3), [0, 0, -2]);
    });

    it('4. invoice the delivered 10: 900 / 135 / 1035, draft name per version', () => {
      const ctx = { context: { active_model: 'sale.order', active_ids: [so], active_id: so } };
      const wiz = c.call('sale.advance.payment.inv', 'create', [{ advance_payment_method: 'delivered' }], ctx);
      const w = c.read('sale.advance.payment.inv', wiz, ['sale_order_ids', 'count', 'deduct_down_payments', 'consolidated_billing']);
      assert.deepEqual([w.sale_order_ids, w.count, w.deduct_down_payments, w.consolidated_billing], [[so], 1, true, true]);
      const action = c.call('sale.advance.payment.inv', 'create_invoices', [[wiz]], ctx);
      assert.equal(action.res_model, 'account.move');
      invoice = action.res_id;
      assert.equal(action.context.default_move_type, 'out_invoice');
      assert.equal(action.context.default_partner_id, customer);
      assert.equal(action.context.default_invoice_payment_term_id, null, 'no payment terms: None in the action (XML-RPC cannot marshal it)');
      assert.equal('default_invoice_origin' in action.context, version !== 19);
      const soName = c.read('sale.order', so, ['name']).name;
      const inv = c.read('account.move', invoice, ['move_type', 'state', 'name', 'invoice_origin', 'ref', 'invoice_date', 'invoice_line_ids', 'amount_untaxed', 'amount_tax', 'amount_total', 'journal_id']);
      assert.deepEqual([inv.move_type, inv.state, inv.name], ['out_invoice', 'draft', version === 17 ? '/' : false]);
      assert.deepEqual([inv.invoice_origin, inv.ref, inv.invoice_date], [soName, 'PO-Q2C-1', false]);
      assert.deepEqual([inv.amount_untaxed, inv.amount_tax, inv.amount_total], [900, 135, 1035]);
      assert.equal(inv.journal_id[1], version === 19 ? 'Sales' : 'Customer Invoices');
      const il = c.read('account.move.line', inv.invoice_line_ids[0], ['quantity', 'price_unit', 'sale_line_ids']);
      assert.deepEqual([il.quantity, il.price_unit, il.sale_line_ids], [10, 90, [line]]);
      assert.equal(c.read('sale.order', so, ['invoice_status']).invoice_status, 'no');
    });

    it('4. post (returns False) and pay 500 then the rest', () => {
      assert.equal(c.call('account.move', 'action_post', [[invoice]]), false);
      const inv = c.read('account.move', invoice, ['state', 'name', 'payment_state', 'amount_residual', 'amount_total', 'invoice_date']);
      invoiceName = inv.name;
      assert.match(inv.name, new RegExp(`^INV/${today.slice(0, 4)}/\\d{5}$`));
      assert.deepEqual([inv.state, inv.payment_state, inv.amount_residual, inv.invoice_date], ['posted', 'not_paid', 1035, today]);
      const l = c.read('sale.order.line', line, ['qty_invoiced', 'qty_to_invoice']);
      assert.deepEqual([l.qty_invoiced, l.qty_to_invoice], [10, 0]);
      assert.equal(c.read('res.partner', customer, ['credit']).credit, 1035);

      const ctx = { context: { active_model: 'account.move', active_ids: [invoice] } };
      const wiz = c.call('account.payment.register', 'create', [{ amount: 500.0 }], ctx);
      const w = c.read('account.payment.register', wiz, ['journal_id', 'payment_type', 'partner_type', 'communication', 'payment_date', 'payment_difference', 'payment_difference_handling']);
      assert.equal(w.journal_id[1], 'Bank');
      assert.deepEqual([w.payment_type, w.partner_type, w.communication, w.payment_date, w.payment_difference, w.payment_difference_handling],
        ['inbound', 'customer', invoiceName, today, 535, 'open']);
      const action = c.call('account.payment.register', 'action_create_payments', [[wiz]], ctx);
      payment1 = action.res_id;
      assert.deepEqual({ ...action, res_id: 0 }, { name: 'Payments', type: 'ir.actions.act_window', res_model: 'account.payment', context: { create: false }, view_mode: 'form', res_id: 0 });
      const partial = c.read('account.move', invoice, ['payment_state', 'amount_residual']);
      assert.deepEqual([partial.payment_state, partial.amount_residual], ['partial', 535]);
      assert.equal(c.read('account.payment', payment1, ['state']).state, version === 17 ? 'posted' : 'in_process');
      assert.equal(c.read('res.partner', customer, ['credit']).credit, 535);

      const wiz2 = c.call('account.payment.register', 'create', [{}], ctx);
      const w2 = c.read('account.payment.register', wiz2, ['amount', 'payment_difference']);
      assert.deepEqual([w2.amount, w2.payment_difference], [535, 0]);
      const action2 = c.call('account.payment.register', 'action_create_payments', [[wiz2]], ctx);
      const paid = c.read('account.move', invoice, ['payment_state', 'amount_residual']);
      assert.deepEqual([paid.payment_state, paid.amount_residual], ['paid', 0]);
      const pays = c.call('account.payment', 'read', [[payment1, action2.res_id], ['state', 'name', 'payment_method_line_id']]);
      assert.deepEqual(pays.map((p: Rec) => p.state), version === 17 ? ['posted', 'posted'] : ['paid', 'paid']);
      assert.match(pays[0].name, /^PBNK1\/\d{4}\/\d{5}$/);
      assert.equal(pays[0].payment_method_line_id[1], version === 17 ? 'Manual' : 'Manual Payment');
      assert.equal(c.read('res.partner', customer, ['credit']).credit, 0);
      expectFault(() => c.call('account.payment.register', 'create', [{}], ctx), 'UserError', /nothing left to pay/);
    });

    it('5. return 3: proposed quantity per version, method name per version, incoming receipt', () => {
      const ctx = { context: { active_id: delivery, active_ids: [delivery], active_model: 'stock.picking' } };
      const wiz = c.call('stock.return.picking', 'create', [{}], ctx);
      const w = c.read('stock.return.picking', wiz, ['picking_id', 'product_return_moves']);
      assert.equal(w.picking_id[0], delivery);
      assert.equal(w.product_return_moves.length, 1);
      const lineFields = ['product_id', 'quantity', 'uom_id', 'move_id', 'wizard_id', 'to_refund', ...(version === 17 ? [] : ['move_quantity'])];
      const rl = c.read('stock.return.picking.line', w.product_return_moves[0], lineFields);
      assert.equal(rl.quantity, version === 17 ? 10 : 0);
      assert.equal(rl.to_refund, true);
      assert.equal(rl.move_id[0], deliveredMove);
      if (version !== 17) assert.equal(rl.move_quantity, 10);
      assert.equal(c.call('stock.return.picking.line', 'write', [[rl.id], { quantity: 3 }]), true);
      const [right, wrong] = version === 17 ? ['create_returns', 'action_create_returns'] : ['action_create_returns', 'create_returns'];
      expectFault(() => c.call('stock.return.picking', wrong, [[wiz]], ctx), 'AttributeError');
      const action = c.call('stock.return.picking', right, [[wiz]], ctx);
      assert.equal(action.name, 'Returned Picking');
      assert.equal(action.res_model, 'stock.picking');
      assert.equal(action.view_mode, version === 17 ? 'form,tree,calendar' : 'form');
      if (version === 17) assert.equal(action.context.default_partner_id, customer);
      else assert.deepEqual(action.context, ctx.context);
      returnPicking = action.res_id;
      const deliveryName = c.read('stock.picking', delivery, ['name']).name;
      const r = c.read('stock.picking', returnPicking, ['picking_type_code', 'name', 'origin', 'state', 'return_id', 'partner_id', 'location_id', 'location_dest_id', 'move_ids']);
      assert.equal(r.picking_type_code, 'incoming');
      assert.match(r.name, /^WH\/IN\/\d{5}$/);
      assert.equal(r.origin, `Return of ${deliveryName}`);
      assert.equal(r.state, 'assigned');
      assert.equal(r.return_id[0], delivery);
      assert.equal(r.partner_id[0], customer);
      assert.equal(r.location_id[1], version === 19 ? 'Customers' : 'Partners/Customers');
      assert.equal(r.location_dest_id[1], 'WH/Stock');
      const m = c.read('stock.move', r.move_ids[0], ['product_uom_qty', 'quantity', 'origin_returned_move_id', 'sale_line_id', 'to_refund']);
      assert.deepEqual([m.product_uom_qty, m.quantity, m.origin_returned_move_id[0], m.sale_line_id[0], m.to_refund], [3, 3, deliveredMove, line, true]);

      assert.equal(c.call('stock.picking', 'button_validate', [[returnPicking]]), true);
      const done = c.read('stock.picking', returnPicking, ['state', 'date_done']);
      assert.equal(done.state, 'done');
      assert.ok(done.date_done);
      assert.deepEqual(qty(c, product).slice(0, 3), [8, 6, 6]);
      assert.deepEqual(qty(c, product, { [whKey]: whA.id }).slice(0, 3), [3, 1, 1]);
      assert.equal(c.read('stock.picking', backorder, ['state']).state, 'assigned', 'the returned units serve the waiting backorder');
      const l = c.read('sale.order.line', line, ['qty_delivered', 'qty_invoiced', 'qty_to_invoice']);
      assert.deepEqual([l.qty_delivered, l.qty_invoiced, l.qty_to_invoice], [7, 10, -3]);
      assert.equal(c.read('sale.order', so, ['invoice_status']).invoice_status, 'to invoice');
    });

    it('6. partial credit note of 3: 270 / 40.5 / 310.5, invoice stays paid', () => {
      const ctx = { context: { active_model: 'account.move', active_ids: [invoice] } };
      assert.throws(() => c.call('account.move.reversal', 'create', [{ reason: 'returned' }], ctx), /journal_id/);
      const journal = c.read('account.move', invoice, ['journal_id']).journal_id[0];
      const wiz = c.call('account.move.reversal', 'create', [{ reason: 'returned', journal_id: journal }], ctx);
      const w = c.read('account.move.reversal', wiz, ['move_ids', 'residual', 'move_type', 'date']);
      assert.deepEqual([w.move_ids, w.residual, w.move_type, w.date], [[invoice], 0, 'out_invoice', today]);
      const action = c.call('account.move.reversal', 'refund_moves', [[wiz]], ctx);
      const credit = action.res_id;
      assert.deepEqual({ ...action, res_id: 0 }, { name: 'Reverse Moves', type: 'ir.actions.act_window', res_model: 'account.move', view_mode: 'form', res_id: 0, context: { default_move_type: 'out_refund' } });
      const soName = c.read('sale.order', so, ['name']).name;
      const cn = c.read('account.move', credit, ['move_type', 'state', 'reversed_entry_id', 'ref', 'invoice_origin', 'amount_total', 'invoice_line_ids']);
      assert.deepEqual([cn.move_type, cn.state, cn.reversed_entry_id[0], cn.ref, cn.invoice_origin, cn.amount_total],
        ['out_refund', 'draft', invoice, `Reversal of: ${invoiceName}, returned`, soName, 1035]);
      const cl = c.read('account.move.line', cn.invoice_line_ids[0], ['quantity', 'price_unit', 'sale_line_ids']);
      assert.deepEqual([cl.quantity, cl.price_unit, cl.sale_line_ids], [10, 90, [line]]);
      assert.equal(c.read('sale.order.line', line, ['qty_invoiced']).qty_invoiced, 0, 'draft credit notes count');
      c.call('account.move', 'write', [[credit], { invoice_line_ids: [[1, cl.id, { quantity: 3 }]] }]);
      const t = c.read('account.move', credit, ['amount_untaxed', 'amount_tax', 'amount_total']);
      assert.deepEqual([t.amount_untaxed, t.amount_tax, t.amount_total], [270, 40.5, 310.5]);
      assert.equal(c.call('account.move', 'action_post', [[credit]]), false);
      const posted = c.read('account.move', credit, ['state', 'name', 'payment_state', 'amount_residual']);
      assert.match(posted.name, /^RINV\/\d{4}\/\d{5}$/);
      assert.deepEqual([posted.state, posted.payment_state, posted.amount_residual], ['posted', 'not_paid', 310.5]);
      const revField = version === 17 ? 'reversal_move_id' : 'reversal_move_ids';
      const orig = c.read('account.move', invoice, ['payment_state', 'amount_residual', 'state', revField]);
      assert.deepEqual([orig.payment_state, orig.amount_residual, orig.state, orig[revField]], ['paid', 0, 'posted', [credit]]);
      const l = c.read('sale.order.line', line, ['qty_delivered', 'qty_invoiced', 'qty_to_invoice']);
      assert.deepEqual([l.qty_delivered, l.qty_invoiced, l.qty_to_invoice], [7, 7, 0]);
      const o = c.read('sale.order', so, ['invoice_status', 'invoice_ids']);
      assert.equal(o.invoice_status, 'no');
      assert.deepEqual([...o.invoice_ids].sort(), [invoice, credit].sort());
      assert.equal(c.read('res.partner', customer, ['credit']).credit, -310.5);

      const pctx = { context: { active_model: 'account.move', active_ids: [credit] } };
      const pw = c.call('account.payment.register', 'create', [{}], pctx);
      const pr = c.read('account.payment.register', pw, ['payment_type', 'partner_type', 'amount']);
      assert.deepEqual([pr.payment_type, pr.partner_type, pr.amount], ['outbound', 'customer', 310.5]);
      c.call('account.payment.register', 'action_create_payments', [[pw]], pctx);
      const cp = c.read('account.move', credit, ['payment_state', 'amount_residual']);
      assert.deepEqual([cp.payment_state, cp.amount_residual], ['paid', 0]);
    });

    it('7. cancelling a confirmed order: dialog on 17/18, at once on 19; reservation released', () => {
      const so2 = c.call('sale.order', 'create', [{ partner_id: customer, order_line: [[0, 0, { product_id: product, product_uom_qty: 1 }]] }]);
      assert.equal(c.call('sale.order', 'action_confirm', [[so2]]), true);
      const pick = c.read('sale.order', so2, ['picking_ids']).picking_ids[0];
      assert.equal(c.read('stock.picking', pick, ['state']).state, 'assigned');
      assert.equal(qty(c, product, { [whKey]: whA.id })[1], 0);
      const res = c.call('sale.order', 'action_cancel', [[so2]]);
      if (version === 19) {
        assert.equal(res, true);
      } else {
        assert.equal(res.name, 'Cancel Sales Order');
        assert.equal(res.res_model, 'sale.order.cancel');
        assert.equal(res.target, 'new');
        assert.equal(res.context.default_order_id, so2);
        assert.equal(res.context.mark_so_as_canceled, true);
        assert.equal(c.read('sale.order', so2, ['state']).state, 'sale');
        assert.equal(c.call('sale.order', 'action_cancel', [[so2]], { context: { disable_cancel_warning: true } }), true);
      }
      assert.equal(c.read('sale.order', so2, ['state']).state, 'cancel');
      const p = c.read('stock.picking', pick, ['state', 'move_ids']);
      assert.equal(p.state, 'cancel');
      assert.equal(c.read('stock.move', p.move_ids[0], ['state']).state, 'cancel');
      const a = qty(c, product, { [whKey]: whA.id });
      assert.equal(a[1], 1);
      assert.equal(a[3], 2);
    });
  });
}
