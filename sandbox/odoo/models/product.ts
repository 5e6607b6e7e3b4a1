/**
 * Products, units of measure, categories and pricelists (Odoo modules product/uom), with the
 * per-version product type: 17 type 'product' = storable; 18/19 type 'consu' + is_storable.
 */
import { defineModel, GROUPS, type Env, type ModuleRegistrar, type Row, type SelectionList, type Vals } from '../orm/schema';
import { ValidationError } from '../exceptions';
import { afterSave, companyCurrency, companyOf, idOf, roundTo } from './dist-util';

const TYPES_17: SelectionList = [['consu', 'Consumable'], ['service', 'Service'], ['product', 'Storable Product']];
const TYPES_18: SelectionList = [['consu', 'Goods'], ['service', 'Service'], ['combo', 'Combo']];

/** Whether a product.product is tracked in stock on this version. */
export function isStorable(env: Env, productId: number): boolean {
  const p = env.sudo().withContext({ active_test: false }).model('product.product').row(productId);
  if (!p) return false;
  const t = env.sudo().withContext({ active_test: false }).model('product.template').row(idOf(p.product_tmpl_id) as number);
  if (!t) return false;
  return env.version === 17 ? t.type === 'product' : t.type === 'consu' && t.is_storable === true;
}

export function productTemplate(env: Env, productId: number): Row | undefined {
  const p = env.sudo().withContext({ active_test: false }).model('product.product').row(productId);
  return p ? env.sudo().withContext({ active_test: false }).model('product.template').row(idOf(p.product_tmpl_id) as number) : undefined;
}

function productDisplayName(code: unknown, name: unknown): string {
  return code ? `[${code}] ${name}` : String(name);
}

function defaultUom(env: Env): number | false {
  const ref = env.ref('uom.product_uom_unit');
  if (ref) return ref;
  const ids = env.sudo().model('uom.uom').search([['name', '=', 'Units']], { limit: 1 });
  return ids[0] ?? false;
}

function defaultCategory(env: Env): number | false {
  const ref = env.ref('product.product_category_all');
  if (ref) return ref;
  const ids = env.sudo().model('product.category').search([['parent_id', '=', false]], { limit: 1 });
  return ids[0] ?? false;
}

function defaultSaleTaxes(env: Env): number[] {
  const company = env.sudo().model('res.company').row(companyOf(env));
  const tax = company ? idOf(company.account_sale_tax_id) : false;
  if (tax) return [tax];
  return env.sudo().model('account.tax').search([['type_tax_use', '=', 'sale'], ['company_id', '=', companyOf(env)]], { limit: 1 });
}

/** Rules of a pricelist that match a product and quantity, in Odoo's _order (applied_on, min_quantity desc, categ desc, id desc). */
function matchingItem(env: Env, pricelistId: number, productId: number, qty: number, date: string): Row | undefined {
  const su = env.sudo();
  const product = su.withContext({ active_test: false }).model('product.product').row(productId);
  if (!product) return undefined;
  const tmplId = idOf(product.product_tmpl_id);
  const tmpl = su.withContext({ active_test: false }).model('product.template').row(tmplId as number);
  const categIds = new Set<number>();
  let categ = tmpl ? idOf(tmpl.categ_id) : false;
  const cats = su.model('product.category');
  while (categ && !categIds.has(categ)) {
    categIds.add(categ);
    categ = idOf(cats.row(categ)?.parent_id);
  }
  const items = su.model('product.pricelist.item');
  const rows = items.rows(items.search([['pricelist_id', '=', pricelistId]]));
  const matching = rows.filter((it) => {
    if ((Number(it.min_quantity) || 0) > qty) return false;
    if (it.date_start && String(it.date_start).slice(0, 10) > date) return false;
    if (it.date_end && String(it.date_end).slice(0, 10) < date) return false;
    switch (it.applied_on) {
      case '0_product_variant': return idOf(it.product_id) === productId;
      case '1_product': return idOf(it.product_tmpl_id) === tmplId;
      case '2_product_category': return categIds.has(idOf(it.categ_id) as number);
      default: return true;
    }
  });
  matching.sort((a, b) =>
    String(a.applied_on).localeCompare(String(b.applied_on)) ||
    (Number(b.min_quantity) || 0) - (Number(a.min_quantity) || 0) ||
    (Number(idOf(b.categ_id)) || 0) - (Number(idOf(a.categ_id)) || 0) ||
    b.id - a.id);
  return matching[0];
}

/** Unit price of a product on a pricelist (Odoo's _get_product_price), in the pricelist currency. */
export function pricelistPrice(env: Env, pricelistId: number | false, productId: number, qty: number, date?: string, depth = 0): number {
  const tmpl = productTemplate(env, productId);
  const listPrice = Number(tmpl?.list_price ?? 0);
  if (!pricelistId || depth > 5) return listPrice;
  const item = matchingItem(env, pricelistId, productId, qty, (date ?? env.today()).slice(0, 10));
  if (!item) return listPrice;
  const base = (): number => {
    if (item.base === 'standard_price') return Number(tmpl?.standard_price ?? 0);
    if (item.base === 'pricelist' && item.base_pricelist_id) return pricelistPrice(env, idOf(item.base_pricelist_id), productId, qty, date, depth + 1);
    return listPrice;
  };
  switch (item.compute_price) {
    case 'fixed': return Number(item.fixed_price) || 0;
    case 'percentage': return roundTo(base() * (1 - (Number(item.percent_price) || 0) / 100), 2);
    default: {
      let price = base() * (1 - (Number(item.price_discount) || 0) / 100);
      const rounding = Number(item.price_round) || 0;
      if (rounding) price = Math.round(price / rounding) * rounding;
      price += Number(item.price_surcharge) || 0;
      return roundTo(price, 2);
    }
  }
}

const FEATURE_REF = 'sandbox.pricelist_feature';

/** Whether the "Pricelists" setting (group product.group_product_pricelist) is on. */
export function pricelistFeatureOn(env: Env): boolean {
  return !!env.ref(FEATURE_REF);
}

/**
 * Switch the Pricelists setting the way res.config.settings does: on gives every company an active
 * default pricelist (unarchiving a rule-less one or creating "Default USD pricelist" / "Default");
 * off archives every active pricelist.
 */
export function setPricelistFeature(env: Env, on: boolean): void {
  const e = env.sudo();
  const company = companyOf(env);
  const pricelists = e.withContext({ active_test: false }).model('product.pricelist');
  if (on) {
    env.setRef(FEATURE_REF, 'res.company', company);
    const active = pricelists.search([['active', '=', true], ['company_id', 'in', [company, false]]], { limit: 1 });
    if (active.length) return;
    const items = e.model('product.pricelist.item');
    const ruleless = pricelists.search([['active', '=', false], ['company_id', '=', company]], { order: 'sequence, id' })
      .find((id) => !items.search([['pricelist_id', '=', id]], { limit: 1 }).length);
    if (ruleless) pricelists.write([ruleless], { active: true });
    else pricelists.create({ name: env.version === 17 ? 'Default USD pricelist' : 'Default', sequence: 10, company_id: company });
  } else {
    env.setRef(FEATURE_REF, 'res.company', 0);
    const active = pricelists.search([['active', '=', true]]);
    if (active.length) pricelists.write(active, { active: false });
  }
}

export const registerProduct: ModuleRegistrar = (registry, version) => {
  if (version !== 19) {
    registry.define(defineModel({
      name: 'uom.category', description: 'Product UoM Categories',
      fields: { name: { type: 'char', required: true, translate: true } },
    }));
  }
  registry.define(defineModel({
    name: 'uom.uom', description: 'Product Unit of Measure', order: 'name',
    fields: {
      name: { type: 'char', string: 'Unit Name', required: true, translate: true },
      category_id: { type: 'many2one', relation: 'uom.category', string: 'Category', onlyVersions: [17, 18] },
      uom_type: { type: 'selection', onlyVersions: [17, 18], default: 'reference',
        selection: [['bigger', 'Bigger than the reference Unit of Measure'], ['reference', 'Reference Unit of Measure for this category'], ['smaller', 'Smaller than the reference Unit of Measure']] },
      factor: { type: 'float', string: 'Ratio', default: 1.0, required: true },
      relative_factor: { type: 'float', string: 'Contains', default: 1.0, onlyVersions: [19] },
      rounding: { type: 'float', string: 'Rounding Precision', default: 0.01, required: true },
      active: { type: 'boolean', default: true },
    },
  }));

  registry.define(defineModel({
    name: 'product.category', description: 'Product Category', order: 'complete_name', recName: 'complete_name',
    fields: {
      name: { type: 'char', required: true, index: true },
      parent_id: { type: 'many2one', relation: 'product.category', string: 'Parent Category', ondelete: 'cascade' },
      child_id: { type: 'one2many', relation: 'product.category', inverseName: 'parent_id', string: 'Child Categories' },
      complete_name: {
        type: 'char', string: 'Complete Name', store: true, depends: ['name', 'parent_id.complete_name'],
        compute: (env, rows) => rows.map((r) => {
          const parent = r.parent_id ? env.sudo().model('product.category').row(idOf(r.parent_id) as number) : undefined;
          return parent ? `${parent.complete_name || parent.name} / ${r.name}` : r.name;
        }),
      },
    },
  }));

  const templateFields = {
    name: { type: 'char' as const, required: true, translate: true, index: true },
    sequence: { type: 'integer' as const, default: 1 },
    description_sale: { type: 'text' as const, string: 'Sales Description', translate: true },
    type: {
      type: 'selection' as const, string: 'Product Type', required: true, default: 'consu',
      selection: version === 17 ? TYPES_17 : TYPES_18,
    },
    ...(version === 17 ? {
      detailed_type: {
        type: 'selection' as const, string: 'Product Type', selection: TYPES_17, store: true, depends: ['type'],
        compute: (_env: Env, rows: Row[]) => rows.map((r) => r.type),
        inverse: (env: Env, ids: number[], value: unknown) => { env.sudo().model('product.template').write(ids, { type: value }); },
      },
    } : {
      is_storable: { type: 'boolean' as const, string: 'Track Inventory', default: false },
    }),
    default_code: { type: 'char' as const, string: 'Internal Reference', index: true },
    barcode: { type: 'char' as const, string: 'Barcode', index: true },
    list_price: { type: 'float' as const, string: 'Sales Price', default: 1.0, digits: [16, 2] as [number, number] },
    standard_price: { type: 'float' as const, string: 'Cost', default: 0, digits: [16, 2] as [number, number] },
    sale_ok: { type: 'boolean' as const, string: 'Can be Sold', default: true },
    purchase_ok: { type: 'boolean' as const, string: 'Can be Purchased', default: true },
    active: { type: 'boolean' as const, default: true },
    uom_id: { type: 'many2one' as const, relation: 'uom.uom', string: 'Unit', required: true, default: (env: Env) => defaultUom(env) },
    uom_po_id: { type: 'many2one' as const, relation: 'uom.uom', string: 'Purchase Unit', onlyVersions: [17, 18] as Array<17 | 18 | 19>,
      default: (env: Env, vals: Record<string, unknown>) => idOf(vals.uom_id) || defaultUom(env) },
    categ_id: { type: 'many2one' as const, relation: 'product.category', string: 'Product Category', default: (env: Env) => defaultCategory(env) },
    company_id: { type: 'many2one' as const, relation: 'res.company', string: 'Company' },
    currency_id: {
      type: 'many2one' as const, relation: 'res.currency', string: 'Currency',
      compute: (env: Env, rows: Row[]) => rows.map((r) => companyCurrency(env, idOf(r.company_id))),
    },
    taxes_id: { type: 'many2many' as const, relation: 'account.tax', string: 'Sales Taxes', default: (env: Env) => defaultSaleTaxes(env) },
    invoice_policy: { type: 'selection' as const, string: 'Invoicing Policy', default: 'order',
      selection: [['order', 'Ordered quantities'], ['delivery', 'Delivered quantities']] as SelectionList },
    weight: { type: 'float' as const, default: 0 },
    volume: { type: 'float' as const, default: 0 },
  };

  registry.define(defineModel({
    name: 'product.template', description: 'Product', order: 'name, id', recNamesSearch: ['name', 'default_code'],
    fields: {
      ...templateFields,
      product_variant_ids: { type: 'one2many', relation: 'product.product', inverseName: 'product_tmpl_id', string: 'Products' },
      product_variant_id: {
        type: 'many2one', relation: 'product.product', string: 'Product',
        compute: (env, rows) => rows.map((r) => env.sudo().model('product.product').search([['product_tmpl_id', '=', r.id]], { limit: 1 })[0] ?? false),
      },
      product_variant_count: {
        type: 'integer', string: '# Product Variants',
        compute: (env, rows) => rows.map((r) => env.sudo().model('product.product').searchCount([['product_tmpl_id', '=', r.id]])),
      },
    },
    displayName: (_env, rows) => rows.map((r) => productDisplayName(r.default_code, r.name)),
    constraints: [
      // Odoo's create() makes the single variant of a template without attributes.
      afterSave(['name'], (env, ids) => {
        const products = env.sudo().withContext({ active_test: false }).model('product.product');
        for (const id of ids) {
          if (!products.search([['product_tmpl_id', '=', id]], { limit: 1 }).length) products.create({ product_tmpl_id: id });
        }
      }),
      afterSave(['barcode'], (env, ids) => checkBarcodes(env, ids)),
    ],
  }));

  registry.define(defineModel({
    name: 'product.product', description: 'Product Variant', order: 'default_code, name, id', recNamesSearch: ['name', 'default_code', 'barcode'],
    inherits: { 'product.template': 'product_tmpl_id' },
    fields: {
      product_tmpl_id: { type: 'many2one', relation: 'product.template', string: 'Product Template', required: true, ondelete: 'cascade', index: true },
      active: { type: 'boolean', default: true },
      lst_price: {
        type: 'float', string: 'Sales Price', digits: [16, 2],
        compute: (env, rows) => rows.map((r) => Number(env.sudo().withContext({ active_test: false }).model('product.template').row(idOf(r.product_tmpl_id) as number)?.list_price ?? 0)),
        inverse: (env, ids, value) => {
          const tmpls = [...new Set(env.sudo().model('product.product').rows(ids).map((r) => idOf(r.product_tmpl_id) as number))];
          env.model('product.template').write(tmpls, { list_price: Number(value) || 0 });
        },
        search: (_env, op, value) => [['list_price', op, value]],
      },
      code: {
        type: 'char', string: 'Reference',
        compute: (env, rows) => rows.map((r) => env.sudo().withContext({ active_test: false }).model('product.template').row(idOf(r.product_tmpl_id) as number)?.default_code ?? false),
      },
    },
    displayName: (env, rows) => rows.map((r) => {
      const t = env.sudo().withContext({ active_test: false }).model('product.template').row(idOf(r.product_tmpl_id) as number);
      return productDisplayName(t?.default_code, t?.name);
    }),
  }));

  registry.define(defineModel({
    name: 'product.pricelist', description: 'Pricelist', order: 'sequence asc, id asc',
    fields: {
      name: { type: 'char', string: 'Pricelist Name', required: true, translate: true },
      active: { type: 'boolean', default: true },
      sequence: { type: 'integer', default: 16 },
      currency_id: { type: 'many2one', relation: 'res.currency', required: true, default: (env: Env) => companyCurrency(env) },
      company_id: { type: 'many2one', relation: 'res.company', default: (env: Env) => companyOf(env) },
      item_ids: { type: 'one2many', relation: 'product.pricelist.item', inverseName: 'pricelist_id', string: 'Pricelist Rules', copy: true },
      ...(version === 17 ? {
        discount_policy: { type: 'selection' as const, default: 'with_discount',
          selection: [['with_discount', 'Discount included in the price'], ['without_discount', 'Show public price & discount to the customer']] as SelectionList },
      } : {}),
    },
    displayName: (env, rows) => rows.map((r) => {
      const cur = r.currency_id ? env.sudo().model('res.currency').row(idOf(r.currency_id) as number) : undefined;
      return cur ? `${r.name} (${cur.name})` : String(r.name);
    }),
  }));

  registry.define(defineModel({
    name: 'product.pricelist.item', description: 'Pricelist Rule', order: 'applied_on, min_quantity desc, categ_id desc, id desc',
    fields: {
      pricelist_id: { type: 'many2one', relation: 'product.pricelist', required: true, ondelete: 'cascade', index: true },
      company_id: { type: 'many2one', relation: 'res.company', related: 'pricelist_id.company_id' },
      currency_id: { type: 'many2one', relation: 'res.currency', related: 'pricelist_id.currency_id' },
      applied_on: { type: 'selection', string: 'Apply On', required: true, default: '3_global',
        selection: [['3_global', 'All Products'], ['2_product_category', 'Product Category'], ['1_product', 'Product'], ['0_product_variant', 'Product Variant']] },
      product_tmpl_id: { type: 'many2one', relation: 'product.template', ondelete: 'cascade' },
      product_id: { type: 'many2one', relation: 'product.product', ondelete: 'cascade' },
      categ_id: { type: 'many2one', relation: 'product.category', ondelete: 'cascade' },
      min_quantity: { type: 'float', string: 'Min. Quantity', default: 0 },
      base: { type: 'selection', string: 'Based on', required: true, default: 'list_price',
        selection: [['list_price', 'Sales Price'], ['standard_price', 'Cost'], ['pricelist', 'Other Pricelist']] },
      base_pricelist_id: { type: 'many2one', relation: 'product.pricelist', string: 'Other Pricelist' },
      compute_price: { type: 'selection', required: true, default: 'fixed',
        selection: [['fixed', 'Fixed Price'], ['percentage', 'Discount'], ['formula', 'Formula']] },
      fixed_price: { type: 'float', string: 'Fixed Price', default: 0 },
      percent_price: { type: 'float', string: 'Percentage Price', default: 0 },
      price_discount: { type: 'float', string: 'Price Discount', default: 0 },
      price_surcharge: { type: 'float', string: 'Price Surcharge', default: 0 },
      price_round: { type: 'float', string: 'Price Rounding', default: 0 },
      date_start: { type: 'datetime', string: 'Start Date' },
      date_end: { type: 'datetime', string: 'End Date' },
    },
    constraints: [{
      fields: ['applied_on', 'product_id', 'product_tmpl_id', 'categ_id'],
      check: (env, ids) => {
        for (const r of env.sudo().model('product.pricelist.item').rows(ids)) {
          if (r.applied_on === '2_product_category' && !r.categ_id) throw new ValidationError('Please specify the category for which this rule should be applied');
          if (r.applied_on === '1_product' && !r.product_tmpl_id) throw new ValidationError('Please specify the product for which this rule should be applied');
          if (r.applied_on === '0_product_variant' && !r.product_id) throw new ValidationError('Please specify the product variant for which this rule should be applied');
        }
      },
    }],
  }));

  registry.extend('res.partner', {
    fields: {
      property_product_pricelist: { type: 'many2one', relation: 'product.pricelist', string: 'Pricelist' },
    },
  });

  // The settings page, reduced to the options the quote-to-cash flow uses.
  registry.define(defineModel({
    name: 'res.config.settings', description: 'Config Settings', transient: true,
    fields: {
      company_id: { type: 'many2one', relation: 'res.company', default: (env: Env) => companyOf(env) },
      group_product_pricelist: { type: 'boolean', string: 'Pricelists', default: (env: Env) => pricelistFeatureOn(env) },
      group_discount_per_so_line: { type: 'boolean', string: 'Discounts', default: false },
    },
    methods: {
      execute: {
        kind: 'records', params: [],
        impl: (env, ids) => {
          const s0 = env.sudo().model('res.config.settings').row((ids as number[])[0]) as Row;
          if (!!s0.group_product_pricelist !== pricelistFeatureOn(env)) setPricelistFeature(env, !!s0.group_product_pricelist);
          return { type: 'ir.actions.client', tag: 'reload' };
        },
      },
    },
  }));
  registry.grant('res.config.settings', GROUPS.system, 'rwcu');

  for (const m of ['product.template', 'product.product', 'product.category', 'uom.uom', 'product.pricelist', 'product.pricelist.item']) {
    registry.grant(m, GROUPS.user, 'r');
    registry.grant(m, GROUPS.integration, 'r');
    registry.grant(m, GROUPS.saleManager, 'rwcu');
  }
  if (version !== 19) {
    registry.grant('uom.category', GROUPS.user, 'r');
    registry.grant('uom.category', GROUPS.integration, 'r');
  }
};

function checkBarcodes(env: Env, templateIds: number[]): void {
  const tmpls = env.sudo().withContext({ active_test: false }).model('product.template');
  for (const t of tmpls.rows(templateIds)) {
    if (!t.barcode) continue;
    const others = tmpls.search([['barcode', '=', t.barcode], ['id', '!=', t.id]]);
    if (others.length) {
      const names = tmpls.displayNames(others).join(', ');
      throw new ValidationError(`Barcode(s) already assigned:\n\n- Barcode "${t.barcode}" already assigned to product(s): ${names}`);
    }
  }
}
