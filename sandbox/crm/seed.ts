/**
 * Seeds the CRM sandbox with the Odoo sandbox's customers and products, with deliberate differences
 * so the customer-sync flow has real work:
 *  - C002 without its legal suffix, C008 with a typo, C005 transliterated and without VAT,
 *    C011 with a badly formatted VAT, C016 with a misspelt city;
 *  - C014 twice (a duplicate company: same domain, slightly different name);
 *  - C020 missing from the CRM, and one CRM-only company (a new customer not yet in Odoo);
 * plus deals with line items (one in `contractsent`, ready to be moved to `closedwon`; one that
 * backorders; one already won) and a return ticket.
 */
import { SEED_COMPANIES, type SeedCompany } from '../seed/customers';
import { SEED_PRODUCTS } from '../seed/products';
import type { CrmDb } from './db';
import { PRIMARY_TYPES } from './schema';

export const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States', DE: 'Germany', FR: 'France', NL: 'Netherlands', GB: 'United Kingdom', BE: 'Belgium',
};

/** What the seed created, by key, so tests and demos can find records without searching. */
export interface SeedIndex {
  companies: Record<string, string>;
  contacts: Record<string, string>;
  products: Record<string, string>;
  deals: Record<string, string>;
  tickets: Record<string, string>;
}

const DAY = 86_400_000;

function domainOf(c: SeedCompany): string {
  if (c.website) return new URL(c.website).hostname.replace(/^www\./, '');
  return c.email.split('@')[1];
}

type Override = Partial<{ name: string; vat: string | null; city: string; phone: string }>;

const OVERRIDES: Record<string, Override> = {
  C002: { name: 'Bayside Builders' },
  C005: { name: 'Bauwerk Mueller GmbH', vat: null },
  C008: { name: 'Quincaillerie Dupond' },
  C011: { vat: 'nl 8123.45.678.b01' },
  C016: { city: 'Glasgw' },
};

export function seedCrm(db: CrmDb): SeedIndex {
  const index: SeedIndex = { companies: {}, contacts: {}, products: {}, deals: {}, tickets: {} };
  let t = Date.now() - 30 * DAY;
  const at = () => (t += 60_000);

  for (const p of SEED_PRODUCTS) {
    const r = db.create('products', {
      name: p.name, hs_sku: p.sku, price: p.listPrice, hs_cost_of_goods_sold: p.cost, description: p.category,
    }, 'IMPORT', at());
    index.products[p.sku] = r.id;
  }

  const companies = SEED_COMPANIES.filter((c) => c.key !== 'C020');
  for (const c of companies) {
    const o = OVERRIDES[c.key] ?? {};
    const vat = o.vat === null ? undefined : o.vat ?? c.vat;
    const r = db.create('companies', {
      name: o.name ?? c.name, domain: domainOf(c), phone: o.phone ?? c.phone, address: c.street, city: o.city ?? c.city,
      zip: c.zip, country: COUNTRY_NAMES[c.countryCode] ?? c.countryCode, ...(c.website ? { website: c.website } : {}),
      ...(vat ? { vat } : {}), customer_ref: c.key, lifecyclestage: 'customer',
    }, 'IMPORT', at());
    index.companies[c.key] = r.id;
    c.contacts.forEach((p, i) => {
      const [first, ...rest] = p.name.split(' ');
      const contact = db.create('contacts', {
        firstname: first, lastname: rest.join(' '), email: p.email, phone: p.phone, jobtitle: p.function, company: o.name ?? c.name,
      }, 'IMPORT', at());
      index.contacts[`${c.key}-${i + 1}`] = contact.id;
      db.associate('contacts', contact.id, 'companies', r.id, PRIMARY_TYPES['contacts>companies'], 'IMPORT');
    });
  }

  const thames = SEED_COMPANIES.find((c) => c.key === 'C014');
  if (thames) {
    const dup = db.create('companies', {
      name: 'Thames Trade Supplies', domain: domainOf(thames), phone: thames.phone, address: thames.street, city: thames.city,
      zip: thames.zip, country: COUNTRY_NAMES[thames.countryCode], lifecyclestage: 'lead',
    }, 'IMPORT', at());
    index.companies['C014-dup'] = dup.id;
  }
  const fresh = db.create('companies', {
    name: 'Harbor Tools Supply Co.', domain: 'harbortools.example', phone: '+1 206-555-0177', address: '901 Alaskan Way',
    city: 'Seattle', zip: '98104', country: 'United States', lifecyclestage: 'customer',
  }, 'IMPORT', at());
  index.companies.NEW1 = fresh.id;
  const freshContact = db.create('contacts', {
    firstname: 'Dana', lastname: 'Okafor', email: 'dana.okafor@harbortools.example', phone: '+1 206-555-0178', jobtitle: 'Buyer',
    company: 'Harbor Tools Supply Co.',
  }, 'IMPORT', at());
  index.contacts['NEW1-1'] = freshContact.id;
  db.associate('contacts', freshContact.id, 'companies', fresh.id, PRIMARY_TYPES['contacts>companies'], 'IMPORT');

  const price = (sku: string) => SEED_PRODUCTS.find((p) => p.sku === sku)?.listPrice ?? 0;
  const deal = (key: string, companyKey: string, name: string, stage: string, lines: Array<[string, number]>, extra: Record<string, string> = {}) => {
    const amount = lines.reduce((s, [sku, q]) => s + price(sku) * q, 0);
    const d = db.create('deals', {
      dealname: name, dealstage: stage, pipeline: 'default', amount: Math.round(amount * 100) / 100,
      closedate: new Date(t + 14 * DAY).toISOString(), deal_currency_code: 'USD', ...extra,
    }, 'IMPORT', at());
    index.deals[key] = d.id;
    const companyId = index.companies[companyKey];
    db.associate('deals', d.id, 'companies', companyId, PRIMARY_TYPES['deals>companies'], 'IMPORT');
    const contactId = index.contacts[`${companyKey}-1`];
    if (contactId) db.associate('deals', d.id, 'contacts', contactId, undefined, 'IMPORT');
    for (const [sku, qty] of lines) {
      const p = SEED_PRODUCTS.find((x) => x.sku === sku);
      if (!p) continue;
      const li = db.create('line_items', {
        name: p.name, hs_sku: sku, quantity: qty, price: p.listPrice, hs_product_id: index.products[sku],
      }, 'IMPORT', at());
      db.associate('line_items', li.id, 'deals', d.id, undefined, 'IMPORT');
    }
  };
  deal('D001', 'C001', 'Ace Hardware Outlet - spring restock', 'contractsent', [['DIST-0001', 10], ['DIST-0002', 10], ['DIST-0003', 20]]);
  deal('D002', 'C004', 'Northwind Home Center - Q3 assortment', 'qualifiedtobuy', [['DIST-0004', 12], ['DIST-0006', 6]]);
  deal('D003', 'C005', 'Bauwerk Müller - site supplies (backorder)', 'decisionmakerboughtin', [['DIST-0005', 10], ['DIST-0007', 4], ['DIST-0001', 5]]);
  deal('D004', 'C008', 'Quincaillerie Dupont - fasteners', 'appointmentscheduled', [['DIST-0002', 30]]);
  deal('D005', 'NEW1', 'Harbor Tools - opening order', 'presentationscheduled', [['DIST-0003', 40], ['DIST-0004', 8]]);

  const ticket = db.create('tickets', {
    subject: 'Return request: damaged flat washers', content: 'Five boxes of flat washers arrived crushed. Please arrange a return and credit.',
    hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'MEDIUM', hs_ticket_category: 'PRODUCT_ISSUE',
    return_sku: 'DIST-0003', return_quantity: 5, return_reason: 'Damaged in transit', return_status: 'requested', return_ref: 'RET-0001',
  }, 'IMPORT', at());
  index.tickets.T001 = ticket.id;
  db.associate('tickets', ticket.id, 'companies', index.companies.C001, PRIMARY_TYPES['tickets>companies'], 'IMPORT');
  db.associate('tickets', ticket.id, 'contacts', index.contacts['C001-1'], undefined, 'IMPORT');
  db.associate('tickets', ticket.id, 'deals', index.deals.D001, undefined, 'IMPORT');
  return index;
}
