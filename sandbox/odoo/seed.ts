/**
 * The distributor's demo data: company configuration (units, categories, locations, warehouses, taxes,
 * journals, payment terms, pricelists), the catalogue and stock of sandbox/seed/products.ts, the
 * customers of sandbox/seed/customers.ts, and orders, deliveries, invoices and payments in every state,
 * all driven through the models' own business methods so that states and quantities are consistent.
 */
import type { Env, Vals } from './orm/schema';
import { SEED_COMPANIES } from '../seed/customers';
import { setPricelistFeature } from './models/product';
import { SEED_PRODUCTS, WAREHOUSES } from '../seed/products';

interface HasEnv { env(): Env }

export interface DistributionSetup {
  company: number;
  warehouses: Record<string, number>;
  stockLocations: Record<string, number>;
  customerLocation: number;
  saleTax: number;
  saleJournal: number;
  bankJournal: number;
  terms: Record<string, number>;
  pricelists: Record<string, number>;
}

/** Company configuration every sandbox database needs before products and orders: idempotent per database. */
export function seedDistributionSetup(env: Env): DistributionSetup {
  const existing = env.ref('stock.warehouse0');
  if (existing) return readSetup(env);
  const v = env.version;
  const company = env.ref('base.main_company') as number;
  const ref = (xmlid: string, model: string, id: number) => { env.setRef(xmlid, model, id); return id; };

  // units and categories
  if (v !== 19) {
    const cat = ref('uom.product_uom_categ_unit', 'uom.category', env.model('uom.category').create({ name: 'Unit' }));
    ref('uom.product_uom_unit', 'uom.uom', env.model('uom.uom').create({ name: 'Units', category_id: cat, uom_type: 'reference', factor: 1, rounding: 0.01 }));
    ref('uom.product_uom_dozen', 'uom.uom', env.model('uom.uom').create({ name: 'Dozens', category_id: cat, uom_type: 'bigger', factor: 1 / 12, rounding: 0.01 }));
  } else {
    ref('uom.product_uom_unit', 'uom.uom', env.model('uom.uom').create({ name: 'Units', factor: 1, rounding: 0.01 }));
    ref('uom.product_uom_dozen', 'uom.uom', env.model('uom.uom').create({ name: 'Dozens', factor: 1 / 12, relative_factor: 12, rounding: 0.01 }));
  }
  const all = ref('product.product_category_all', 'product.category', env.model('product.category').create({ name: 'All' }));
  ref('product.product_category_1', 'product.category', env.model('product.category').create({ name: 'Saleable', parent_id: all }));

  // locations: customers are 'Partners/Customers' on 17/18 and 'Customers' on 19
  const locs = env.model('stock.location');
  ref('stock.stock_location_locations', 'stock.location', locs.create({ name: 'Physical Locations', usage: 'view', company_id: false }));
  const virtual = ref('stock.stock_location_locations_virtual', 'stock.location', locs.create({ name: 'Virtual Locations', usage: 'view', company_id: false }));
  const partners = v === 19 ? false : ref('stock.stock_location_locations_partner', 'stock.location', locs.create({ name: 'Partners', usage: 'view', company_id: false }));
  const customers = ref('stock.stock_location_customers', 'stock.location', locs.create({ name: 'Customers', usage: 'customer', location_id: partners, company_id: false }));
  ref('stock.stock_location_suppliers', 'stock.location', locs.create({ name: 'Vendors', usage: 'supplier', location_id: partners, company_id: false }));
  ref('stock.stock_location_inventory', 'stock.location', locs.create({ name: 'Inventory adjustment', usage: 'inventory', location_id: virtual, company_id: company }));

  // taxes (the default sale tax of a new product is "15%")
  const taxes = env.model('account.tax');
  const saleTax = ref('account.tax_sale_15', 'account.tax', taxes.create({ name: '15%', type_tax_use: 'sale', amount_type: 'percent', amount: 15, description: '15%', company_id: company }));
  ref('account.tax_purchase_15', 'account.tax', taxes.create({ name: '15%', type_tax_use: 'purchase', amount_type: 'percent', amount: 15, description: '15%', company_id: company }));
  ref('account.tax_sale_0', 'account.tax', taxes.create({ name: '0% Exempt', type_tax_use: 'sale', amount_type: 'percent', amount: 0, description: '0%', company_id: company, sequence: 2 }));
  env.model('res.company').write([company], { account_sale_tax_id: saleTax });

  // journals and payment methods
  const journals = env.model('account.journal');
  const saleJournal = ref('account.sale_journal', 'account.journal', journals.create({ name: v === 19 ? 'Sales' : 'Customer Invoices', code: 'INV', type: 'sale', sequence: 5, company_id: company }));
  ref('account.purchase_journal', 'account.journal', journals.create({ name: 'Vendor Bills', code: 'BILL', type: 'purchase', sequence: 6, company_id: company }));
  ref('account.misc_journal', 'account.journal', journals.create({ name: 'Miscellaneous Operations', code: 'MISC', type: 'general', sequence: 9, company_id: company }));
  const bankJournal = ref('account.bank_journal', 'account.journal', journals.create({ name: 'Bank', code: 'BNK1', type: 'bank', sequence: 10, company_id: company }));
  const cashJournal = ref('account.cash_journal', 'account.journal', journals.create({ name: 'Cash', code: 'CSH1', type: 'cash', sequence: 11, company_id: company }));
  const manual = v === 17 ? 'Manual' : 'Manual Payment';
  for (const j of [bankJournal, cashJournal]) {
    for (const t of ['inbound', 'outbound']) env.model('account.payment.method.line').create({ name: manual, payment_type: t, journal_id: j });
  }

  // payment terms
  const termDefs: Array<[string, string, number]> = [
    ['immediate', 'Immediate Payment', 0], ['15days', '15 Days', 15], ['21days', '21 Days', 21], ['30days', '30 Days', 30], ['45days', '45 Days', 45],
  ];
  const terms: Record<string, number> = {};
  termDefs.forEach(([key, name, days], i) => {
    terms[key] = ref(`account.account_payment_term_${key}`, 'account.payment.term', env.model('account.payment.term').create({
      name, sequence: i + 1, note: days ? `Payment terms: ${name}` : 'Payment terms: Immediate Payment',
      line_ids: [[0, 0, { value: 'percent', value_amount: 100, nb_days: days }]],
    }));
  });

  // warehouses (WH is the default one, "WH/Stock")
  const warehouses: Record<string, number> = {};
  const stockLocations: Record<string, number> = {};
  const companyPartner = env.ref('base.main_partner') || false;
  WAREHOUSES.forEach((w, i) => {
    const id = env.model('stock.warehouse').create({ name: w.name, code: w.code, company_id: company, partner_id: companyPartner, sequence: 10 + i });
    warehouses[w.code] = id;
    stockLocations[w.code] = env.model('stock.warehouse').get(id, 'lot_stock_id') as number;
    ref(i === 0 ? 'stock.warehouse0' : `sandbox.warehouse_${w.code.toLowerCase()}`, 'stock.warehouse', id);
    if (i === 0) ref('stock.stock_location_stock', 'stock.location', stockLocations[w.code]);
  });

  // pricelists: the company default (made when the Pricelists setting is on), retail and wholesale
  const pl = env.model('product.pricelist');
  const pricelists: Record<string, number> = {};
  pricelists.default = ref('product.list0', 'product.pricelist', pl.create({ name: v === 17 ? 'Default USD pricelist' : 'Default', sequence: 10, company_id: company }));
  setPricelistFeature(env, true);
  pricelists.retail = ref('sandbox.pricelist_retail', 'product.pricelist', pl.create({
    name: 'Retail', sequence: 12, company_id: company,
    item_ids: [[0, 0, { applied_on: '3_global', compute_price: 'percentage', percent_price: 5, min_quantity: 50 }]],
  }));
  pricelists.wholesale = ref('sandbox.pricelist_wholesale', 'product.pricelist', pl.create({
    name: 'Wholesale', sequence: 14, company_id: company,
    item_ids: [
      [0, 0, { applied_on: '3_global', compute_price: 'percentage', percent_price: 10 }],
      [0, 0, { applied_on: '3_global', compute_price: 'percentage', percent_price: 15, min_quantity: 100 }],
    ],
  }));
  return { company, warehouses, stockLocations, customerLocation: customers, saleTax, saleJournal, bankJournal, terms, pricelists };
}

function readSetup(env: Env): DistributionSetup {
  const r = (x: string) => env.ref(x) as number;
  const warehouses: Record<string, number> = {};
  const stockLocations: Record<string, number> = {};
  WAREHOUSES.forEach((w, i) => {
    warehouses[w.code] = r(i === 0 ? 'stock.warehouse0' : `sandbox.warehouse_${w.code.toLowerCase()}`);
    stockLocations[w.code] = env.model('stock.warehouse').get(warehouses[w.code], 'lot_stock_id') as number;
  });
  const terms: Record<string, number> = {};
  for (const k of ['immediate', '15days', '21days', '30days', '45days']) terms[k] = r(`account.account_payment_term_${k}`);
  return {
    company: r('base.main_company'), warehouses, stockLocations, customerLocation: r('stock.stock_location_customers'),
    saleTax: r('account.tax_sale_15'), saleJournal: r('account.sale_journal'), bankJournal: r('account.bank_journal'), terms,
    pricelists: { default: r('product.list0'), retail: r('sandbox.pricelist_retail'), wholesale: r('sandbox.pricelist_wholesale') },
  };
}

/** Vals for a storable product on this version. */
export function storableVals(env: Env): Vals {
  return env.version === 17 ? { type: 'product' } : { type: 'consu', is_storable: true };
}

function seedCatalogue(env: Env, setup: DistributionSetup): Map<string, number> {
  const categories = new Map<string, number>();
  const all = env.ref('product.product_category_all') as number;
  const products = new Map<string, number>();
  for (const p of SEED_PRODUCTS) {
    let categ = categories.get(p.category);
    if (!categ) {
      categ = env.model('product.category').create({ name: p.category, parent_id: all });
      categories.set(p.category, categ);
    }
    const id = env.model('product.product').create({
      name: p.name, default_code: p.sku, barcode: p.barcode, list_price: p.listPrice, standard_price: p.cost,
      categ_id: categ, invoice_policy: 'delivery', ...storableVals(env),
    });
    products.set(p.sku, id);
    env.setRef(`sandbox.product_${p.sku.toLowerCase().replace('-', '_')}`, 'product.product', id);
    for (const w of WAREHOUSES) {
      const qty = p.stock[w.code];
      if (qty > 0) {
        env.withContext({ inventory_mode: true }).model('stock.quant').create({
          product_id: id, location_id: setup.stockLocations[w.code], inventory_quantity_auto_apply: qty,
        });
      }
    }
  }
  return products;
}

function seedCustomers(env: Env, setup: DistributionSetup): Map<string, number> {
  const partners = env.model('res.partner');
  const out = new Map<string, number>();
  SEED_COMPANIES.forEach((c, i) => {
    const country = env.ref(`base.${c.countryCode.toLowerCase()}`) || false;
    const term = c.pricelist === 'wholesale' ? setup.terms['30days'] : i % 3 === 0 ? setup.terms.immediate : setup.terms['15days'];
    const id = partners.create({
      name: c.name, is_company: true, ref: c.key, vat: c.vat ?? false, email: c.email, phone: c.phone, street: c.street,
      city: c.city, zip: c.zip, country_id: country, website: c.website ?? false, customer_rank: 1, credit_limit: c.creditLimit,
      property_product_pricelist: setup.pricelists[c.pricelist], property_payment_term_id: term,
    });
    out.set(c.key, id);
    env.setRef(`sandbox.customer_${c.key.toLowerCase()}`, 'res.partner', id);
    for (const ct of c.contacts) {
      partners.create({ name: ct.name, parent_id: id, type: 'contact', email: ct.email, phone: ct.phone, function: ct.function, country_id: country });
    }
    for (const [type, a] of [['invoice', c.invoiceAddress], ['delivery', c.deliveryAddress]] as const) {
      if (!a) continue;
      partners.create({
        name: a.name, parent_id: id, type, street: a.street, city: a.city, zip: a.zip,
        country_id: env.ref(`base.${a.countryCode.toLowerCase()}`) || false, email: a.email ?? false, phone: a.phone ?? false,
      });
    }
  });
  return out;
}

type Line = [string, number];

function order(env: Env, partner: number, lines: Line[], products: Map<string, number>, extra: Vals = {}): number {
  return env.model('sale.order').create({
    partner_id: partner, ...extra,
    order_line: lines.map(([sku, qty]) => [0, 0, { product_id: products.get(sku), product_uom_qty: qty }]),
  });
}

function confirm(env: Env, so: number): number {
  env.model('sale.order').call('action_confirm', [so]);
  return (env.model('sale.order').get(so, 'picking_ids') as number[])[0];
}

/** Ship what is reserved (or `qty` per move), creating a backorder for the rest. */
function ship(env: Env, picking: number, qtyPerMove?: number): void {
  const moves = env.model('stock.move');
  for (const m of moves.search([['picking_id', '=', picking]])) {
    const q = qtyPerMove ?? (moves.get(m, 'quantity') as number);
    moves.write([m], { quantity: q, picked: true });
  }
  const res = env.model('stock.picking').call('button_validate', [picking]);
  if (res && typeof res === 'object') {
    const ctx = (res as { context: Record<string, unknown> }).context;
    const e = env.withContext(ctx);
    const wiz = e.model('stock.backorder.confirmation').create({});
    e.model('stock.backorder.confirmation').call('process', [wiz]);
  }
}

function invoice(env: Env, so: number, post = true): number {
  const ctx = { active_model: 'sale.order', active_ids: [so], active_id: so };
  const e = env.withContext(ctx);
  const wiz = e.model('sale.advance.payment.inv').create({ advance_payment_method: 'delivered' });
  const action = e.model('sale.advance.payment.inv').call('create_invoices', [wiz]) as { res_id?: number; domain?: unknown[] };
  const inv = action.res_id as number;
  if (post) env.model('account.move').call('action_post', [inv]);
  return inv;
}

function pay(env: Env, inv: number, amount?: number): void {
  const e = env.withContext({ active_model: 'account.move', active_ids: [inv] });
  const wiz = e.model('account.payment.register').create(amount === undefined ? {} : { amount });
  e.model('account.payment.register').call('action_create_payments', [wiz]);
}

/** The demo seed: configuration, catalogue, customers, then documents in every state. */
export function seedDemo(db: HasEnv | Env): void {
  const env: Env = 'model' in db ? db : db.env();
  const setup = seedDistributionSetup(env);
  const products = seedCatalogue(env, setup);
  const customers = seedCustomers(env, setup);
  const c = (key: string) => customers.get(key) as number;
  const mark = (xmlid: string, model: string, id: number) => env.setRef(`sandbox.${xmlid}`, model, id);

  // 1. draft quotation
  mark('order_draft', 'sale.order', order(env, c('C001'), [['DIST-0001', 10], ['DIST-0009', 4], ['DIST-0026', 20]], products, { client_order_ref: 'ACE-PO-7781' }));
  // 2. quotation sent
  const sent = order(env, c('C004'), [['DIST-0017', 3], ['DIST-0031', 6]], products, { client_order_ref: 'NW-2024-118' });
  env.model('sale.order').call('action_quotation_sent', [sent]);
  mark('order_sent', 'sale.order', sent);
  // 3. confirmed, delivery ready
  const ready = order(env, c('C002'), [['DIST-0006', 12], ['DIST-0021', 2], ['DIST-0034', 40]], products, { client_order_ref: 'BB-MARINA-042', origin: 'CRM deal 4521' });
  confirm(env, ready);
  mark('order_ready', 'sale.order', ready);
  // 4. waiting for stock: DIST-0005 has 3 in WH, 20 ordered
  const waiting = order(env, c('C013'), [['DIST-0005', 20], ['DIST-0003', 30]], products, { client_order_ref: 'BAKKER-5512' });
  confirm(env, waiting);
  mark('order_waiting', 'sale.order', waiting);
  // 5. partially delivered with a backorder
  const partial = order(env, c('C005'), [['DIST-0012', 30], ['DIST-0042', 50]], products, { client_order_ref: 'BWM-RIEM-07' });
  ship(env, confirm(env, partial), 20);
  mark('order_partial', 'sale.order', partial);
  // 6. delivered and invoiced, not paid
  const unpaid = order(env, c('C009'), [['DIST-0025', 5], ['DIST-0027', 100]], products, { client_order_ref: 'BL-VEN-3390' });
  ship(env, confirm(env, unpaid));
  mark('invoice_unpaid', 'account.move', invoice(env, unpaid));
  mark('order_invoiced', 'sale.order', unpaid);
  // 7. partially paid
  const partPaid = order(env, c('C011'), [['DIST-0002', 40], ['DIST-0014', 25]], products, { client_order_ref: 'VDB-88120' });
  ship(env, confirm(env, partPaid));
  const inv7 = invoice(env, partPaid);
  pay(env, inv7, 200);
  mark('invoice_partial', 'account.move', inv7);
  // 8. paid
  const paid = order(env, c('C014'), [['DIST-0019', 2], ['DIST-0048', 24]], products, { client_order_ref: 'TTS-PO-20931' });
  ship(env, confirm(env, paid));
  const inv8 = invoice(env, paid);
  pay(env, inv8);
  mark('invoice_paid', 'account.move', inv8);
  // 9. cancelled after confirmation
  const cancelled = order(env, c('C008'), [['DIST-0013', 5]], products, { client_order_ref: 'QD-1177' });
  confirm(env, cancelled);
  env.withContext({ disable_cancel_warning: true }).model('sale.order').call('action_cancel', [cancelled]);
  mark('order_cancelled', 'sale.order', cancelled);
  // 10. delivered, invoiced, paid, then 2 units returned and credited
  const returned = order(env, c('C018'), [['DIST-0038', 6]], products, { client_order_ref: 'BRICO-ANT-404' });
  const out = confirm(env, returned);
  ship(env, out);
  const inv10 = invoice(env, returned);
  pay(env, inv10);
  const rctx = { active_id: out, active_ids: [out], active_model: 'stock.picking' };
  const re = env.withContext(rctx);
  const rwiz = re.model('stock.return.picking').create({});
  const rline = re.model('stock.return.picking.line').search([['wizard_id', '=', rwiz]]);
  re.model('stock.return.picking.line').write(rline, { quantity: 2 });
  const raction = re.model('stock.return.picking').call(env.version === 17 ? 'create_returns' : 'action_create_returns', [rwiz]) as { res_id: number };
  env.model('stock.picking').call('button_validate', [raction.res_id]);
  mark('return_picking', 'stock.picking', raction.res_id);
  const ve = env.withContext({ active_model: 'account.move', active_ids: [inv10] });
  const rev = ve.model('account.move.reversal').create({ reason: 'Damaged in transit', journal_id: setup.saleJournal });
  const credit = (ve.model('account.move.reversal').call('refund_moves', [rev]) as { res_id: number }).res_id;
  const cline = env.model('account.move.line').search([['move_id', '=', credit]]);
  env.model('account.move').write([credit], { invoice_line_ids: [[1, cline[0], { quantity: 2 }]] });
  env.model('account.move').call('action_post', [credit]);
  mark('credit_note', 'account.move', credit);
  mark('order_returned', 'sale.order', returned);
  // 11. a locked, fully delivered order still to invoice
  const locked = order(env, c('C016'), [['DIST-0035', 20], ['DIST-0039', 10]], products, { client_order_ref: 'CPH-2231' });
  ship(env, confirm(env, locked));
  env.model('sale.order').call('action_lock', [locked]);
  mark('order_locked', 'sale.order', locked);
}
