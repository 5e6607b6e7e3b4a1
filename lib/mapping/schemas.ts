/**
 * Canonical shapes the distribution flows exchange between the CRM side and the Odoo side. A mapper
 * validates its output against one of them (property `schema`), so a bad record is stopped with a
 * precise issue list before Odoo rejects it late. Field names follow Odoo where one exists
 * (shared/odoo-api.md §4); `external_id` is always the CRM's id (kept in Odoo's `ref` / `origin` /
 * `client_order_ref`). Dates are Odoo wire strings: datetime 'YYYY-MM-DD HH:MM:SS' UTC, date 'YYYY-MM-DD'.
 */
import { z } from 'zod';

export const odooDatetime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, "expected Odoo datetime 'YYYY-MM-DD HH:MM:SS' (UTC)");
export const odooDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected Odoo date 'YYYY-MM-DD'");
const text = z.string().trim().min(1);
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code (e.g. DE)');
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code (e.g. EUR)');
const email = z.email();
const provider = z.enum(['hubspot', 'salesforce', 'pipedrive', 'generic']);

/** A postal address (res.partner address fields; country/state as codes, resolved to ids by the Odoo step). */
export const address = z.strictObject({
  type: z.enum(['contact', 'invoice', 'delivery', 'other']).optional(),
  name: text.optional(),
  street: text,
  street2: z.string().optional(),
  city: text,
  zip: z.string().optional(),
  state_code: z.string().optional(),
  country_code: countryCode,
});

/** A customer company (res.partner, is_company true, customer_rank > 0). */
export const customer = z.strictObject({
  external_id: text,
  provider: provider.optional(),
  name: text,
  is_company: z.boolean().default(true),
  ref: z.string().optional(),
  email: email.optional(),
  phone: z.string().optional(),
  vat: z.string().optional(),
  website: z.string().optional(),
  lang: z.string().regex(/^[a-z]{2}(_[A-Z]{2})?$/, "expected an Odoo language code like 'en_US'").optional(),
  address: address.optional(),
  invoice_address: address.optional(),
  delivery_addresses: z.array(address).optional(),
  payment_term: z.string().optional(),
  pricelist: z.string().optional(),
  salesperson_email: email.optional(),
  credit_limit: z.number().nonnegative().optional(),
});

/** A person at a customer (res.partner child of the company, type 'contact'). */
export const contact = z.strictObject({
  external_id: text,
  provider: provider.optional(),
  company_external_id: z.string().optional(),
  name: text,
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  email: email.optional(),
  phone: z.string().optional(),
  mobile: z.string().optional(),
  function: z.string().optional(),
  lang: z.string().optional(),
});

export const orderLine = z.strictObject({
  product_code: text,
  name: z.string().optional(),
  quantity: z.number().positive(),
  price_unit: z.number().nonnegative().optional(),
  discount: z.number().min(0).max(100).optional(),
  uom: z.string().optional(),
});

/** A sales order to create in Odoo (sale.order + lines; products by default_code). */
export const order = z.strictObject({
  external_id: text,
  provider: provider.optional(),
  customer_external_id: text,
  client_order_ref: z.string().optional(),
  date_order: odooDatetime.optional(),
  commitment_date: odooDatetime.optional(),
  currency: currencyCode.optional(),
  pricelist: z.string().optional(),
  payment_term: z.string().optional(),
  note: z.string().optional(),
  delivery_address: address.optional(),
  invoice_address: address.optional(),
  confirm: z.boolean().optional(),
  lines: z.array(orderLine).min(1, 'an order needs at least one line'),
});

/** A fulfillment milestone of an order, pushed from Odoo pickings to the CRM deal. */
export const fulfillment = z.strictObject({
  order_ref: text,
  external_id: z.string().optional(),
  milestone: z.enum(['confirmed', 'reserved', 'picked', 'shipped', 'delivered', 'backorder', 'cancelled']),
  at: odooDatetime,
  picking: z.string().optional(),
  carrier: z.string().optional(),
  tracking_ref: z.string().optional(),
  lines: z.array(z.strictObject({ product_code: text, quantity: z.number().nonnegative() })).optional(),
});

/** An invoice's status (account.move), pushed to the CRM. States as Odoo 17-19 name them. */
export const invoiceStatus = z.strictObject({
  invoice: text,
  order_ref: z.string().optional(),
  external_id: z.string().optional(),
  move_type: z.enum(['out_invoice', 'out_refund']),
  state: z.enum(['draft', 'posted', 'cancel']),
  payment_state: z.enum(['not_paid', 'in_payment', 'paid', 'partial', 'reversed', 'invoicing_legacy', 'blocked']),
  amount_total: z.number(),
  amount_residual: z.number(),
  currency: currencyCode,
  invoice_date: odooDate.optional(),
  invoice_date_due: odooDate.optional(),
});

/** A return request from the CRM (becomes a stock.return.picking on the delivered picking). */
export const returnRequest = z.strictObject({
  external_id: text,
  provider: provider.optional(),
  order_ref: text,
  requested_at: odooDatetime.optional(),
  reason: z.string().optional(),
  resolution: z.enum(['refund', 'replacement', 'repair']).default('refund'),
  lines: z.array(z.strictObject({ product_code: text, quantity: z.number().positive(), reason: z.string().optional() })).min(1, 'a return needs at least one line'),
});

export const CANONICAL_SCHEMAS = {
  customer,
  contact,
  address,
  order,
  fulfillment,
  invoice: invoiceStatus,
  return: returnRequest,
} as const;
export type CanonicalSchemaName = keyof typeof CANONICAL_SCHEMAS;
export const CANONICAL_SCHEMA_NAMES = Object.keys(CANONICAL_SCHEMAS) as CanonicalSchemaName[];

export type Customer = z.infer<typeof customer>;
export type Contact = z.infer<typeof contact>;
export type Address = z.infer<typeof address>;
export type Order = z.infer<typeof order>;
export type OrderLine = z.infer<typeof orderLine>;
export type Fulfillment = z.infer<typeof fulfillment>;
export type InvoiceStatus = z.infer<typeof invoiceStatus>;
export type ReturnRequest = z.infer<typeof returnRequest>;
