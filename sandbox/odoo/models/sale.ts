/**
 * Sales (Odoo modules sale, sale_stock): quotations and orders with pricelist prices, taxes and
 * totals, confirmation creating the delivery, cancellation per version, delivery and invoicing
 * status, and the "Create Invoice" wizard (sale.advance.payment.inv).
 */
import { defineModel, GROUPS, type Env, type ModuleRegistrar, type Row, type Vals } from '../orm/schema';
import { UserError } from '../exceptions';
import { afterSave, companyCurrency, companyOf, ctxIds, idOf, idsOf, isZero, roundTo } from './dist-util';
import { pricelistFeatureOn, pricelistPrice, productTemplate } from './product';
import { cancelPickings, confirmPickings, customerLocation, defaultWarehouse, pickingName, setMoveDemand } from './stock';
import { computeTaxes, createInvoice, defaultSaleJournal } from './account';

function su(env: Env): Env {
  return env.sudo().withContext({ active_test: false });
}

/** Version-dependent field names of sale.order.line. */
export function lineTaxField(env: Env): string {
  return env.version === 19 ? 'tax_ids' : 'tax_id';
}
export function lineUomField(env: Env): string {
  return env.version === 19 ? 'product_uom_id' : 'product_uom';
}

/** res.partner.address_get: the child contact of the commercial entity with that type, else the partner. */
export function addressOf(env: Env, partnerId: number | false, type: 'invoice' | 'delivery'): number | false {
  if (!partnerId) return false;
  const partners = su(env).model('res.partner');
  const p = partners.row(partnerId);
  if (!p) return false;
  if (p.type === type) return partnerId;
  const commercial = idOf(p.parent_id) || partnerId;
  const child = partners.search([['parent_id', '=', commercial], ['type', '=', type], ['active', '=', true]], { limit: 1, order: 'id' });
  return child[0] ?? partnerId;
}

function partnerProperty(env: Env, partnerId: number | false, field: string): number | false {
  if (!partnerId) return false;
  const partners = su(env).model('res.partner');
  const p = partners.row(partnerId);
  if (!p) return false;
  const own = idOf(p[field]);
  if (own) return own;
  const parent = idOf(p.parent_id);
  return parent ? partnerProperty(env, parent, field) : false;
}

export function partnerPricelist(env: Env, partnerId: number | false): number | false {
  // 19 ignores partner pricelists while the Pricelists setting is off
  if (env.version === 19 && !pricelistFeatureOn(env)) return false;
  const own = partnerProperty(env, partnerId, 'property_product_pricelist');
  if (own) return own;
  return su(env).withContext({ active_test: true }).model('product.pricelist')
    .search([['company_id', 'in', [companyOf(env), false]]], { limit: 1, order: 'sequence, id' })[0] ?? false;
}

/** The pricelist price of a line's product and quantity (what Odoo's _compute_price_unit gives). */
function linePrice(env: Env, vals: Vals): number {
  if (!vals.product_id) return 0;
  const order = vals.order_id ? su(env).model('sale.order').row(idOf(vals.order_id) as number) : undefined;
  return pricelistPrice(env, order ? idOf(order.pricelist_id) : false, idOf(vals.product_id) as number, Number(vals.product_uom_qty ?? 1), order ? String(order.date_order) : undefined);
}

interface LineAmounts { subtotal: number; tax: number; total: number }

function lineAmounts(env: Env, line: Row): LineAmounts {
  if (line.display_type) return { subtotal: 0, tax: 0, total: 0 };
  return computeTaxes(env, idsOf(line[lineTaxField(env)]), Number(line.price_unit) || 0, Number(line.product_uom_qty) || 0, Number(line.discount) || 0);
}

function orderLines(env: Env, orderId: number): Row[] {
  const lines = su(env).model('sale.order.line');
  return lines.rows(lines.search([['order_id', '=', orderId]]));
}

// ---------------------------------------------------------------------------------------------
// Delivered and invoiced quantities

export function qtyDelivered(env: Env, lineId: number): number {
  const moves = su(env).model('stock.move');
  const locs = su(env).model('stock.location');
  let qty = 0;
  for (const m of moves.rows(moves.search([['sale_line_id', '=', lineId], ['state', '=', 'done']]))) {
    const src = locs.row(idOf(m.location_id) as number)?.usage;
    const dst = locs.row(idOf(m.location_dest_id) as number)?.usage;
    if (dst === 'customer' && src !== 'customer') qty += Number(m.quantity) || 0;
    else if (src === 'customer' && dst !== 'customer' && m.to_refund) qty -= Number(m.quantity) || 0;
  }
  return roundTo(qty, 4);
}

export function invoiceLinesOf(env: Env, saleLineIds: number[]): Row[] {
  const aml = su(env).model('account.move.line');
  return aml.rows(aml.search([['sale_line_ids', 'in', saleLineIds]]));
}

export function qtyInvoiced(env: Env, lineId: number): number {
  const moves = su(env).model('account.move');
  let qty = 0;
  for (const l of invoiceLinesOf(env, [lineId])) {
    const mv = moves.row(idOf(l.move_id) as number);
    if (!mv || mv.state === 'cancel') continue;
    if (mv.move_type === 'out_invoice') qty += Number(l.quantity) || 0;
    else if (mv.move_type === 'out_refund') qty -= Number(l.quantity) || 0;
  }
  return roundTo(qty, 4);
}

function lineOrderState(env: Env, line: Row): string {
  return String(su(env).model('sale.order').row(idOf(line.order_id) as number)?.state ?? 'draft');
}

export function qtyToInvoice(env: Env, line: Row): number {
  if (line.display_type || lineOrderState(env, line) !== 'sale') return 0;
  const policy = line.product_id ? productTemplate(env, idOf(line.product_id) as number)?.invoice_policy : 'order';
  const base = policy === 'delivery' ? qtyDelivered(env, line.id) : Number(line.product_uom_qty) || 0;
  return roundTo(base - qtyInvoiced(env, line.id), 4);
}

function lineInvoiceStatus(env: Env, line: Row): string {
  if (line.display_type || lineOrderState(env, line) !== 'sale') return 'no';
  const toInvoice = qtyToInvoice(env, line);
  if (!isZero(toInvoice, 4)) return 'to invoice';
  const policy = line.product_id ? productTemplate(env, idOf(line.product_id) as number)?.invoice_policy : 'order';
  const ordered = Number(line.product_uom_qty) || 0;
  if (policy === 'order' && qtyDelivered(env, line.id) > ordered + 1e-9) return 'upselling';
  if (qtyInvoiced(env, line.id) >= ordered - 1e-9) return 'invoiced';
  return 'no';
}

function orderInvoiceStatus(env: Env, order: Row): string {
  if (order.state !== 'sale') return 'no';
  const statuses = orderLines(env, order.id).filter((l) => !l.display_type).map((l) => lineInvoiceStatus(env, l));
  if (statuses.some((s) => s === 'to invoice')) return 'to invoice';
  if (statuses.length && statuses.every((s) => s === 'invoiced')) return 'invoiced';
  if (statuses.length && statuses.every((s) => s === 'invoiced' || s === 'upselling')) return 'upselling';
  return 'no';
}

function orderPickings(env: Env, orderId: number): Row[] {
  const p = su(env).model('stock.picking');
  return p.rows(p.search([['sale_id', '=', orderId]]));
}

function deliveryStatus(env: Env, order: Row): string | false {
  const pickings = orderPickings(env, order.id);
  if (!pickings.length || pickings.every((p) => p.state === 'cancel')) return false;
  if (pickings.every((p) => p.state === 'done' || p.state === 'cancel')) return 'full';
  if (pickings.some((p) => p.state === 'done')) return 'partial';
  const moves = su(env).model('stock.move');
  const started = moves.rows(moves.search([['picking_id', 'in', pickings.map((p) => p.id)], ['picked', '=', true]]))
    .some((m) => (Number(m.quantity) || 0) > 0);
  return started ? 'started' : 'pending';
}

/**
 * invoice_status and delivery_status are stored in Odoo (a delivery or an invoice bumps the order's
 * write_date); they are recomputed on state changes and written here when pickings or invoices change.
 */
export function refreshOrderStatus(env: Env, orderIds: number[]): void {
  const orders = su(env).model('sale.order');
  for (const o of orders.rows([...new Set(orderIds)].filter(Boolean))) {
    const vals: Vals = {};
    const inv = orderInvoiceStatus(env, o);
    const del = deliveryStatus(env, o);
    if (o.invoice_status !== inv) vals.invoice_status = inv;
    if (o.delivery_status !== del) vals.delivery_status = del;
    if (Object.keys(vals).length) orders.write([o.id], vals);
  }
}

/** Orders invoiced by these account.move ids. */
export function ordersOfInvoices(env: Env, moveIds: number[]): number[] {
  const aml = su(env).model('account.move.line');
  const lineIds = aml.rows(aml.search([['move_id', 'in', moveIds]])).flatMap((l) => idsOf(l.sale_line_ids));
  return [...new Set(su(env).model('sale.order.line').rows(lineIds).map((l) => idOf(l.order_id) as number))];
}

function orderInvoiceIds(env: Env, orderId: number): number[] {
  const lineIds = orderLines(env, orderId).map((l) => l.id);
  if (!lineIds.length) return [];
  const moves = su(env).model('account.move');
  const ids = [...new Set(invoiceLinesOf(env, lineIds).map((l) => idOf(l.move_id) as number))];
  return moves.rows(ids).filter((m) => m.move_type === 'out_invoice' || m.move_type === 'out_refund').map((m) => m.id).sort((a, b) => b - a);
}

// ---------------------------------------------------------------------------------------------
// Business methods

function confirmOrders(env: Env, ids: number[]): true {
  const orders = env.model('sale.order');
  const e = su(env);
  for (const o of e.model('sale.order').rows(ids)) {
    if (o.state !== 'draft' && o.state !== 'sent') throw new UserError('Some orders are not in a state requiring confirmation.');
    for (const l of orderLines(env, o.id)) {
      if (!l.display_type && !l.product_id) throw new UserError('A line on these orders missing a product, you cannot confirm it.');
    }
  }
  orders.write(ids, { state: 'sale', date_order: env.now() });
  for (const id of ids) createDelivery(env, id);
  refreshOrderStatus(env, ids);
  return true;
}

function isGoods(env: Env, line: Row): boolean {
  if (line.display_type || !line.product_id) return false;
  const type = productTemplate(env, idOf(line.product_id) as number)?.type;
  return type !== 'service' && type !== 'combo';
}

/** sale_stock's _action_launch_stock_rule at confirmation: one outgoing picking for the goods lines, confirmed and reserved. */
function createDelivery(env: Env, orderId: number): number | false {
  const goods = orderLines(env, orderId).filter((l) => isGoods(env, l));
  if (!goods.length) return false;
  return deliver(env, orderId, goods.map((l) => ({ line: l, qty: Number(l.product_uom_qty) || 0 })));
}

/** Add outgoing moves for these quantities to the order's open delivery, or to a new one; confirm and reserve. */
function deliver(env: Env, orderId: number, todo: Array<{ line: Row; qty: number }>): number | false {
  const e = su(env);
  const order = e.model('sale.order').row(orderId) as Row;
  const whId = idOf(order.warehouse_id) || defaultWarehouse(env);
  const wh = whId ? e.model('stock.warehouse').row(whId) : undefined;
  if (!wh) return false;
  const typeId = idOf(wh.out_type_id);
  const src = idOf(wh.lot_stock_id);
  const dest = customerLocation(env);
  const origin = env.version === 18 && order.client_order_ref ? `${order.name} - ${order.client_order_ref}` : String(order.name);
  const scheduled = order.commitment_date || env.now();
  const pickings = e.model('stock.picking');
  const moves = e.model('stock.move');
  let pickingId = pickings.search([['sale_id', '=', orderId], ['picking_type_id', '=', typeId], ['state', 'not in', ['done', 'cancel']], ['return_id', '=', false]], { limit: 1, order: 'id' })[0];
  if (pickingId === undefined) {
    pickingId = pickings.create({
      name: pickingName(env, typeId), picking_type_id: typeId, location_id: src, location_dest_id: dest,
      partner_id: order.partner_shipping_id || order.partner_id, origin, sale_id: orderId, move_type: 'direct',
      scheduled_date: scheduled, company_id: order.company_id, user_id: order.user_id, state: 'draft',
    });
  }
  for (const { line: l, qty } of todo) {
    const open = moves.search([['picking_id', '=', pickingId], ['sale_line_id', '=', l.id], ['state', 'not in', ['done', 'cancel']]], { limit: 1 })[0];
    if (open !== undefined) {
      setMoveDemand(env, open, roundTo((Number(moves.row(open)?.product_uom_qty) || 0) + qty, 4));
      continue;
    }
    moves.create({
      name: l.name, product_id: l.product_id, product_uom_qty: qty, product_uom: l[lineUomField(env)],
      location_id: src, location_dest_id: dest, picking_id: pickingId, picking_type_id: typeId,
      partner_id: order.partner_shipping_id || order.partner_id, origin, sale_line_id: l.id, state: 'draft',
      company_id: order.company_id, warehouse_id: whId, date: scheduled, quantity: 0,
    });
  }
  confirmPickings(env, [pickingId]);
  return pickingId;
}

/**
 * A confirmed order's line quantity changed (or a line was added): deliver the extra quantity, or lower
 * the open delivery's demand (never below what was delivered), as sale_stock does.
 */
function syncLineProcurement(env: Env, lineIds: number[]): void {
  const e = su(env);
  const moves = e.model('stock.move');
  const locs = e.model('stock.location');
  const touched = new Set<number>();
  for (const l of e.model('sale.order.line').rows(lineIds)) {
    if (!isGoods(env, l) || lineOrderState(env, l) !== 'sale') continue;
    let procured = 0;
    const openOut: Row[] = [];
    for (const m of moves.rows(moves.search([['sale_line_id', '=', l.id], ['state', '!=', 'cancel']]))) {
      const srcUsage = locs.row(idOf(m.location_id) as number)?.usage;
      const destUsage = locs.row(idOf(m.location_dest_id) as number)?.usage;
      const q = m.state === 'done' ? Number(m.quantity) || 0 : Number(m.product_uom_qty) || 0;
      if (destUsage === 'customer' && srcUsage !== 'customer') {
        procured += q;
        if (m.state !== 'done') openOut.push(m);
      } else if (srcUsage === 'customer' && m.to_refund) procured -= q;
    }
    const ordered = Number(l.product_uom_qty) || 0;
    const diff = roundTo(ordered - procured, 4);
    const orderId = idOf(l.order_id) as number;
    if (diff > 0) {
      deliver(env, orderId, [{ line: l, qty: diff }]);
      touched.add(orderId);
    } else if (diff < 0) {
      if (ordered < qtyDelivered(env, l.id) - 1e-9) {
        throw new UserError('The ordered quantity of a sale order line cannot be decreased below the amount already delivered. Instead, create a return in your inventory.');
      }
      let less = -diff;
      for (const m of openOut.reverse()) {
        if (less <= 0) break;
        const demand = Number(m.product_uom_qty) || 0;
        const cut = Math.min(demand, less);
        less = roundTo(less - cut, 4);
        setMoveDemand(env, m.id, roundTo(demand - cut, 4));
      }
      touched.add(orderId);
    }
  }
  refreshOrderStatus(env, [...touched]);
}

const CANCEL_VIEW_ID = 1487;
const CANCEL_TEMPLATE_ID = 11;

function cancelOrders(env: Env, ids: number[]): unknown {
  const e = su(env);
  const orders = e.model('sale.order').rows(ids);
  if (orders.some((o) => o.locked)) throw new UserError('You cannot cancel a locked order. Please unlock it first if you want to cancel it.');
  if (env.version !== 19 && !env.context.disable_cancel_warning && orders.some((o) => o.state !== 'draft')) {
    return {
      name: 'Cancel Sales Order', view_mode: 'form', res_model: 'sale.order.cancel', view_id: CANCEL_VIEW_ID, type: 'ir.actions.act_window',
      context: {
        default_template_id: CANCEL_TEMPLATE_ID, default_order_id: ids[0], mark_so_as_canceled: true,
        default_email_layout_xmlid: 'mail.mail_notification_layout_with_responsible_signature', model_description: 'Sales Order',
      },
      target: 'new',
    };
  }
  for (const o of orders) {
    cancelPickings(env, orderPickings(env, o.id).filter((p) => p.state !== 'done' && p.state !== 'cancel').map((p) => p.id));
    const drafts = e.model('account.move').rows(orderInvoiceIds(env, o.id)).filter((m) => m.state === 'draft').map((m) => m.id);
    if (drafts.length) e.model('account.move').write(drafts, { state: 'cancel' });
  }
  env.model('sale.order').write(ids, { state: 'cancel' });
  refreshOrderStatus(env, ids);
  return true;
}

function invoiceAction(env: Env, orderId: number, invoiceIds: number[]): Record<string, unknown> {
  const order = su(env).model('sale.order').row(orderId) as Row;
  const term = idOf(order.payment_term_id) || partnerProperty(env, idOf(order.partner_id), 'property_payment_term_id');
  const context: Record<string, unknown> = {
    default_move_type: 'out_invoice', default_partner_id: idOf(order.partner_id),
    default_partner_shipping_id: idOf(order.partner_shipping_id), default_invoice_payment_term_id: term || null,
  };
  if (env.version !== 19) context.default_invoice_origin = order.name;
  const action: Record<string, unknown> = {
    name: 'Invoices', type: 'ir.actions.act_window', res_model: 'account.move', target: 'current',
    context,
  };
  if (invoiceIds.length === 1) {
    action.views = [[false, 'form']];
    action.view_mode = 'form';
    action.res_id = invoiceIds[0];
  } else {
    action.view_mode = env.version === 17 ? 'tree,kanban,form' : 'list,kanban,form';
    action.domain = [['id', 'in', invoiceIds]];
  }
  return action;
}

const NOTHING_TO_INVOICE = 'There is nothing to invoice!\n\nReason(s) of this behavior could be:\n' +
  '- You should deliver your products before invoicing them.\n' +
  '- You should modify the invoicing policy of your product: Open the product, go to the "Sales" tab and modify invoicing policy from "delivered quantities" to "ordered quantities". For Services, you should modify the Service Invoicing Policy to \'Prepaid\'.';

/** sale.order._create_invoices (regular invoice): one invoice (or credit note when negative) per order. */
export function createOrderInvoice(env: Env, orderId: number): number {
  const e = su(env);
  const order = e.model('sale.order').row(orderId) as Row;
  const todo = orderLines(env, orderId).map((l) => ({ l, qty: qtyToInvoice(env, l) })).filter((x) => !isZero(x.qty, 4));
  if (!todo.length) throw new UserError(NOTHING_TO_INVOICE);
  const total = todo.reduce((s, { l, qty }) => s + qty * (Number(l.price_unit) || 0), 0);
  const refund = total < 0;
  const lines: Vals[] = todo.map(({ l, qty }) => ({
    product_id: l.product_id, name: l.name, quantity: refund ? -qty : qty, price_unit: l.price_unit, discount: l.discount,
    tax_ids: [[6, 0, idsOf(l[lineTaxField(env)])]], sale_line_ids: [[6, 0, [l.id]]], product_uom_id: l[lineUomField(env)],
  }));
  return createInvoice(env, {
    move_type: refund ? 'out_refund' : 'out_invoice', partner_id: order.partner_invoice_id || order.partner_id,
    partner_shipping_id: order.partner_shipping_id, invoice_origin: order.name, ref: order.client_order_ref || false,
    invoice_payment_term_id: order.payment_term_id, invoice_user_id: order.user_id, company_id: order.company_id,
    currency_id: order.currency_id, journal_id: defaultSaleJournal(env), invoice_line_ids: lines.map((v) => [0, 0, v]),
  });
}

// ---------------------------------------------------------------------------------------------

export const registerSale: ModuleRegistrar = (registry, version) => {
  const taxField: string = version === 19 ? 'tax_ids' : 'tax_id';
  const uomField: string = version === 19 ? 'product_uom_id' : 'product_uom';

  registry.define(defineModel({
    name: 'sale.order', description: 'Sales Order', order: 'date_order desc, id desc', recNamesSearch: ['name', 'partner_id.name'],
    fields: {
      name: { type: 'char', string: 'Order Reference', required: true, default: 'New', sequence: { code: 'sale.order', prefix: 'S', padding: 5 }, index: true },
      partner_id: { type: 'many2one', relation: 'res.partner', string: 'Customer', required: true, index: true },
      partner_invoice_id: { type: 'many2one', relation: 'res.partner', string: 'Invoice Address', required: true,
        default: (env: Env, vals: Vals) => addressOf(env, idOf(vals.partner_id), 'invoice') },
      partner_shipping_id: { type: 'many2one', relation: 'res.partner', string: 'Delivery Address', required: true,
        default: (env: Env, vals: Vals) => addressOf(env, idOf(vals.partner_id), 'delivery') },
      client_order_ref: { type: 'char', string: 'Customer Reference' },
      origin: { type: 'char', string: 'Source Document' },
      reference: { type: 'char', string: 'Payment Ref.' },
      note: { type: 'html', string: 'Terms and conditions' },
      state: { type: 'selection', string: 'Status', readonly: true, default: 'draft', index: true,
        selection: [['draft', 'Quotation'], ['sent', 'Quotation Sent'], ['sale', 'Sales Order'], ['cancel', 'Cancelled']] },
      locked: { type: 'boolean', default: false },
      date_order: { type: 'datetime', string: 'Order Date', required: true, default: (env: Env) => env.now() },
      validity_date: { type: 'date', string: 'Expiration' },
      commitment_date: { type: 'datetime', string: 'Delivery Date' },
      user_id: { type: 'many2one', relation: 'res.users', string: 'Salesperson', default: (env: Env) => env.uid },
      company_id: { type: 'many2one', relation: 'res.company', required: true, default: (env: Env) => companyOf(env) },
      pricelist_id: { type: 'many2one', relation: 'product.pricelist', string: 'Pricelist',
        default: (env: Env, vals: Vals) => partnerPricelist(env, idOf(vals.partner_id)) },
      currency_id: { type: 'many2one', relation: 'res.currency', string: 'Currency',
        default: (env: Env, vals: Vals) => (vals.pricelist_id ? su(env).model('product.pricelist').row(idOf(vals.pricelist_id) as number)?.currency_id ?? companyCurrency(env) : companyCurrency(env)) },
      payment_term_id: { type: 'many2one', relation: 'account.payment.term', string: 'Payment Terms',
        default: (env: Env, vals: Vals) => partnerProperty(env, idOf(vals.partner_id), 'property_payment_term_id') },
      warehouse_id: { type: 'many2one', relation: 'stock.warehouse', string: 'Warehouse', required: true, default: (env: Env) => defaultWarehouse(env) },
      order_line: { type: 'one2many', relation: 'sale.order.line', inverseName: 'order_id', string: 'Order Lines', copy: true },
      amount_untaxed: { type: 'monetary', string: 'Untaxed Amount', store: true, depends: ['order_line.price_subtotal'],
        compute: (env, rows) => rows.map((o) => roundTo(orderLines(env, o.id).reduce((s, l) => s + (Number(l.price_subtotal) || 0), 0), 2)) },
      amount_tax: { type: 'monetary', string: 'Taxes', store: true, depends: ['order_line.price_tax'],
        compute: (env, rows) => rows.map((o) => roundTo(orderLines(env, o.id).reduce((s, l) => s + (Number(l.price_tax) || 0), 0), 2)) },
      amount_total: { type: 'monetary', string: 'Total', store: true, depends: ['order_line.price_total'],
        compute: (env, rows) => rows.map((o) => roundTo(orderLines(env, o.id).reduce((s, l) => s + (Number(l.price_total) || 0), 0), 2)) },
      invoice_status: { type: 'selection', string: 'Invoice Status', store: true, depends: ['state', 'order_line.product_uom_qty'],
        selection: [['upselling', 'Upselling Opportunity'], ['invoiced', 'Fully Invoiced'], ['to invoice', 'To Invoice'], ['no', 'Nothing to Invoice']],
        compute: (env, rows) => rows.map((o) => orderInvoiceStatus(env, o)) },
      invoice_ids: { type: 'many2many', relation: 'account.move', string: 'Invoices', compute: (env, rows) => rows.map((o) => orderInvoiceIds(env, o.id)) },
      invoice_count: { type: 'integer', string: 'Invoice Count', compute: (env, rows) => rows.map((o) => orderInvoiceIds(env, o.id).length) },
      picking_ids: { type: 'one2many', relation: 'stock.picking', inverseName: 'sale_id', string: 'Transfers' },
      delivery_count: { type: 'integer', string: 'Delivery Orders', compute: (env, rows) => rows.map((o) => orderPickings(env, o.id).length) },
      delivery_status: { type: 'selection', string: 'Delivery Status', store: true, depends: ['state'],
        selection: [['pending', 'Not Delivered'], ['started', 'Started'], ['partial', 'Partially Delivered'], ['full', 'Fully Delivered']],
        compute: (env, rows) => rows.map((o) => deliveryStatus(env, o)) },
      effective_date: { type: 'datetime', string: 'Effective Date',
        compute: (env, rows) => rows.map((o) => {
          const done = orderPickings(env, o.id).filter((p) => p.state === 'done' && p.date_done).map((p) => String(p.date_done)).sort();
          return done[0] ?? false;
        }) },
    },
    methods: {
      unlink: {
        kind: 'records', params: [], checkAccess: 'unlink',
        impl: (env, ids) => {
          if (su(env).model('sale.order').rows(ids as number[]).some((o) => o.state !== 'draft' && o.state !== 'cancel')) {
            throw new UserError('You can not delete a sent quotation or a confirmed sales order. You must first cancel it.');
          }
          return env.model('sale.order').unlink(ids as number[]);
        },
      },
      action_confirm: { kind: 'records', params: [], checkAccess: 'write', impl: (env, ids) => confirmOrders(env, ids as number[]) },
      action_cancel: { kind: 'records', params: [], checkAccess: 'write', impl: (env, ids) => cancelOrders(env, ids as number[]) },
      action_draft: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          const orders = su(env).model('sale.order').rows(ids as number[]).filter((o) => o.state === 'cancel' || o.state === 'sent');
          if (orders.length) env.model('sale.order').write(orders.map((o) => o.id), { state: 'draft' });
          return true;
        },
      },
      action_quotation_sent: {
        kind: 'records', params: [], checkAccess: 'write',
        impl: (env, ids) => {
          if (su(env).model('sale.order').rows(ids as number[]).some((o) => o.state !== 'draft')) throw new UserError('Only draft orders can be marked as sent directly.');
          env.model('sale.order').write(ids as number[], { state: 'sent' });
          return null;
        },
      },
      action_lock: { kind: 'records', params: [], checkAccess: 'write', impl: (env, ids) => { env.model('sale.order').write(ids as number[], { locked: true }); return null; } },
      action_unlock: { kind: 'records', params: [], checkAccess: 'write', impl: (env, ids) => { env.model('sale.order').write(ids as number[], { locked: false }); return null; } },
      action_view_invoice: {
        kind: 'records', params: [{ name: 'invoices', default: false }], checkAccess: 'read',
        impl: (env, ids, args) => {
          const inv = Array.isArray(args.invoices) ? idsOf(args.invoices) : (ids as number[]).flatMap((id) => orderInvoiceIds(env, id));
          return invoiceAction(env, (ids as number[])[0], inv);
        },
      },
    },
  }));

  registry.define(defineModel({
    name: 'sale.order.line', description: 'Sales Order Line', order: 'order_id, sequence, id',
    fields: {
      order_id: { type: 'many2one', relation: 'sale.order', string: 'Order Reference', required: true, ondelete: 'cascade', index: true },
      sequence: { type: 'integer', default: 10 },
      display_type: { type: 'selection', selection: [['line_section', 'Section'], ['line_note', 'Note']] },
      product_id: { type: 'many2one', relation: 'product.product', string: 'Product', ondelete: 'restrict', index: true },
      product_template_id: { type: 'many2one', relation: 'product.template', related: 'product_id.product_tmpl_id' },
      name: { type: 'text', string: 'Description', required: true,
        default: (env: Env, vals: Vals) => (vals.product_id ? su(env).model('product.product').displayNames([idOf(vals.product_id) as number])[0] : false) },
      product_uom_qty: { type: 'float', string: 'Quantity', default: 1.0, digits: [16, 2] },
      [uomField]: { type: 'many2one', relation: 'uom.uom', string: 'Unit',
        default: (env: Env, vals: Vals) => (vals.product_id ? productTemplate(env, idOf(vals.product_id) as number)?.uom_id ?? false : false) },
      price_unit: { type: 'float', string: 'Unit Price', digits: [16, 2], default: (env: Env, vals: Vals) => linePrice(env, vals) },
      ...(version === 17 ? {} : {
        // 18+: the last computed price; a price_unit that differs from it was set by hand and is kept
        technical_price_unit: { type: 'float' as const, default: (env: Env, vals: Vals) => linePrice(env, vals) },
      }),
      discount: { type: 'float', string: 'Discount (%)', default: 0, digits: [16, 2] },
      [taxField]: { type: 'many2many', relation: 'account.tax', string: 'Taxes',
        default: (env: Env, vals: Vals) => (vals.product_id ? idsOf(productTemplate(env, idOf(vals.product_id) as number)?.taxes_id) : []) },
      price_subtotal: { type: 'monetary', string: 'Subtotal', store: true, depends: ['product_uom_qty', 'price_unit', 'discount', taxField],
        compute: (env, rows) => rows.map((l) => lineAmounts(env, l).subtotal) },
      price_tax: { type: 'float', string: 'Total Tax', store: true, depends: ['product_uom_qty', 'price_unit', 'discount', taxField],
        compute: (env, rows) => rows.map((l) => lineAmounts(env, l).tax) },
      price_total: { type: 'monetary', string: 'Total', store: true, depends: ['product_uom_qty', 'price_unit', 'discount', taxField],
        compute: (env, rows) => rows.map((l) => lineAmounts(env, l).total) },
      price_reduce_taxexcl: { type: 'monetary', string: 'Price Reduce Tax excl',
        compute: (_env, rows) => rows.map((l) => ((Number(l.product_uom_qty) || 0) ? roundTo((Number(l.price_subtotal) || 0) / Number(l.product_uom_qty), 2) : 0)) },
      state: { type: 'selection', related: 'order_id.state',
        selection: [['draft', 'Quotation'], ['sent', 'Quotation Sent'], ['sale', 'Sales Order'], ['cancel', 'Cancelled']] },
      order_partner_id: { type: 'many2one', relation: 'res.partner', related: 'order_id.partner_id' },
      company_id: { type: 'many2one', relation: 'res.company', related: 'order_id.company_id' },
      currency_id: { type: 'many2one', relation: 'res.currency', related: 'order_id.currency_id' },
      customer_lead: { type: 'float', string: 'Lead Time', default: 0 },
      is_downpayment: { type: 'boolean', default: false },
      qty_delivered: { type: 'float', string: 'Delivery Quantity', compute: (env, rows) => rows.map((l) => qtyDelivered(env, l.id)) },
      qty_delivered_method: { type: 'selection', selection: [['manual', 'Manual'], ['stock_move', 'Stock Moves']],
        compute: (env, rows) => rows.map((l) => (l.product_id && productTemplate(env, idOf(l.product_id) as number)?.type !== 'service' ? 'stock_move' : 'manual')) },
      qty_invoiced: { type: 'float', string: 'Invoiced Quantity', compute: (env, rows) => rows.map((l) => qtyInvoiced(env, l.id)) },
      qty_to_invoice: { type: 'float', string: 'Quantity To Invoice', compute: (env, rows) => rows.map((l) => qtyToInvoice(env, l)) },
      invoice_lines: { type: 'many2many', relation: 'account.move.line', string: 'Invoice Lines',
        compute: (env, rows) => rows.map((l) => invoiceLinesOf(env, [l.id]).map((x) => x.id)) },
      invoice_status: { type: 'selection', string: 'Invoice Status',
        selection: [['upselling', 'Upselling Opportunity'], ['invoiced', 'Fully Invoiced'], ['to invoice', 'To Invoice'], ['no', 'Nothing to Invoice']],
        compute: (env, rows) => rows.map((l) => lineInvoiceStatus(env, l)) },
      move_ids: { type: 'one2many', relation: 'stock.move', inverseName: 'sale_line_id', string: 'Stock Moves' },
    },
    displayName: (env, rows) => rows.map((l) => {
      const o = su(env).model('sale.order').row(idOf(l.order_id) as number);
      const pname = l.product_id ? su(env).model('product.product').displayNames([idOf(l.product_id) as number])[0] : String(l.name ?? '');
      return `${o?.name ?? ''} - ${pname}`;
    }),
    constraints: [afterSave(['product_uom_qty', 'product_id'], syncLineProcurement), afterSave(['product_id', 'product_uom_qty', uomField], (env, ids) => {
      // 18+ re-prices a line whose quantity or product changed unless its price was set by hand or it is invoiced
      if (version === 17) return;
      const lines = su(env).model('sale.order.line');
      for (const l of lines.rows(ids)) {
        if (l.display_type || !l.product_id || l.price_unit !== l.technical_price_unit || qtyInvoiced(env, l.id) > 0) continue;
        const price = linePrice(env, { order_id: l.order_id, product_id: l.product_id, product_uom_qty: l.product_uom_qty });
        if (price !== l.price_unit) lines.write([l.id], { price_unit: price, technical_price_unit: price });
      }
    }), {
      fields: ['product_id', 'display_type'],
      check: (env, ids) => {
        for (const l of su(env).model('sale.order.line').rows(ids)) {
          if (!l.display_type && !l.product_id) throw new UserError('Missing required product and quantity on accountable sale order line.');
        }
      },
    }],
  }));

  registry.define(defineModel({
    name: 'sale.advance.payment.inv', description: 'Sales Advance Payment Invoice', transient: true,
    fields: {
      advance_payment_method: { type: 'selection', string: 'Create Invoice', required: true, default: 'delivered',
        selection: [['delivered', 'Regular invoice'], ['percentage', 'Down payment (percentage)'], ['fixed', 'Down payment (fixed amount)']] },
      sale_order_ids: { type: 'many2many', relation: 'sale.order',
        default: (env: Env) => (env.context.active_model === 'sale.order' ? ctxIds(env) : []) },
      count: { type: 'integer', string: 'Order Count', compute: (_env, rows) => rows.map((r) => idsOf(r.sale_order_ids).length) },
      deduct_down_payments: { type: 'boolean', string: 'Deduct down payments', default: true },
      consolidated_billing: { type: 'boolean', string: 'Consolidated Billing', default: true },
      has_down_payments: { type: 'boolean', compute: (_env, rows) => rows.map(() => false) },
      amount: { type: 'float', string: 'Down Payment', default: 0 },
      fixed_amount: { type: 'monetary', string: 'Down Payment Amount (Fixed)', default: 0 },
      currency_id: { type: 'many2one', relation: 'res.currency', default: (env: Env) => companyCurrency(env) },
      company_id: { type: 'many2one', relation: 'res.company', default: (env: Env) => companyOf(env) },
    },
    methods: {
      create_invoices: {
        kind: 'records', params: [],
        impl: (env, ids) => {
          const wiz = su(env).model('sale.advance.payment.inv').row((ids as number[])[0]) as Row;
          if (wiz.advance_payment_method !== 'delivered') {
            throw new UserError('Down payment invoices are not available in this sandbox; use a regular invoice.');
          }
          const orderIds = idsOf(wiz.sale_order_ids);
          if (!orderIds.length) throw new UserError(NOTHING_TO_INVOICE);
          const invoices = orderIds.map((id) => createOrderInvoice(env, id));
          refreshOrderStatus(env, orderIds);
          return invoiceAction(env, orderIds[0], invoices);
        },
      },
    },
  }));

  registry.extend('res.partner', {
    fields: {
      sale_order_ids: { type: 'one2many', relation: 'sale.order', inverseName: 'partner_id', string: 'Sales Order' },
      sale_order_count: { type: 'integer', string: 'Sale Order Count',
        compute: (env, rows) => rows.map((r) => su(env).model('sale.order').searchCount([['partner_id', 'child_of', [r.id]]])) },
    },
  });

  for (const m of ['sale.order', 'sale.order.line']) {
    registry.grant(m, GROUPS.saleSalesman, 'rwcu');
    registry.grant(m, GROUPS.saleManager, 'rwcu');
    registry.grant(m, GROUPS.system, 'rwcu');
    registry.grant(m, GROUPS.integration, 'rwc');
    registry.grant(m, GROUPS.accountInvoice, 'r');
  }
  registry.grant('sale.advance.payment.inv', GROUPS.saleSalesman, 'rwcu');
  registry.grant('sale.advance.payment.inv', GROUPS.system, 'rwcu');
};
