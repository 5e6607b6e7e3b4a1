/**
 * The slice of HubSpot's CRM schema the sandbox serves: object types, their property definitions
 * (HubSpot's own names plus the custom properties the integration uses) and association type ids.
 */

export const OBJECT_TYPES = ['companies', 'contacts', 'deals', 'line_items', 'tickets', 'products', 'notes'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** Singular name used in webhook subscription types (`company.creation`) and error messages. */
export const SINGULAR: Record<ObjectType, string> = {
  companies: 'company',
  contacts: 'contact',
  deals: 'deal',
  line_items: 'line_item',
  tickets: 'ticket',
  products: 'product',
  notes: 'note',
};

/** HubSpot also accepts object type ids and singular names in paths. */
const ALIASES: Record<string, ObjectType> = {
  '0-1': 'contacts', '0-2': 'companies', '0-3': 'deals', '0-5': 'tickets', '0-7': 'products', '0-8': 'line_items', '0-46': 'notes',
  company: 'companies', contact: 'contacts', deal: 'deals', line_item: 'line_items', ticket: 'tickets', product: 'products', note: 'notes',
  lineitems: 'line_items', line_item_s: 'line_items',
};

export function resolveObjectType(name: string): ObjectType | undefined {
  const lower = name.toLowerCase();
  if ((OBJECT_TYPES as readonly string[]).includes(lower)) return lower as ObjectType;
  return ALIASES[lower];
}

export type PropertyType = 'string' | 'number' | 'datetime' | 'date' | 'enumeration' | 'bool';

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description: string;
  options: PropertyOption[];
  hasUniqueValue: boolean;
  hidden: boolean;
  calculated: boolean;
  readOnlyValue: boolean;
  hubspotDefined?: boolean;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  formField: boolean;
  displayOrder: number;
}

function opts(values: Array<[string, string]>): PropertyOption[] {
  return values.map(([value, label], i) => ({ value, label, displayOrder: i, hidden: false }));
}

type Def = [name: string, type: PropertyType, extra?: Partial<PropertyDefinition>];

const FIELD_TYPE: Record<PropertyType, string> = {
  string: 'text', number: 'number', datetime: 'date', date: 'date', enumeration: 'select', bool: 'booleancheckbox',
};

export const DEAL_STAGES = opts([
  ['appointmentscheduled', 'Appointment Scheduled'],
  ['qualifiedtobuy', 'Qualified To Buy'],
  ['presentationscheduled', 'Presentation Scheduled'],
  ['decisionmakerboughtin', 'Decision Maker Bought-In'],
  ['contractsent', 'Contract Sent'],
  ['closedwon', 'Closed Won'],
  ['closedlost', 'Closed Lost'],
]);

export const TICKET_STAGES = opts([
  ['1', 'New'],
  ['2', 'Waiting on contact'],
  ['3', 'Waiting on us'],
  ['4', 'Closed'],
]);

const COMMON: Def[] = [
  ['hs_object_id', 'number', { readOnlyValue: true, calculated: false, hasUniqueValue: true }],
  ['createdate', 'datetime', { readOnlyValue: true }],
  ['hs_lastmodifieddate', 'datetime', { readOnlyValue: true, calculated: true }],
  ['hubspot_owner_id', 'enumeration'],
];

const CUSTOM = { hubspotDefined: false, groupName: 'odoo_integration' };

const DEFS: Record<ObjectType, Def[]> = {
  companies: [
    ['name', 'string'], ['domain', 'string'], ['website', 'string'], ['phone', 'string'], ['address', 'string'],
    ['address2', 'string'], ['city', 'string'], ['zip', 'string'], ['state', 'string'], ['country', 'string'],
    ['industry', 'string'], ['description', 'string'], ['lifecyclestage', 'enumeration'],
    ['vat', 'string', CUSTOM],
    ['odoo_partner_id', 'string', { ...CUSTOM, hasUniqueValue: true }],
    ['customer_ref', 'string', { ...CUSTOM, hasUniqueValue: true }],
    ['credit_limit', 'number', CUSTOM],
    ['odoo_sync_status', 'string', CUSTOM],
    ['odoo_sync_error', 'string', CUSTOM],
  ],
  contacts: [
    ['firstname', 'string'], ['lastname', 'string'], ['email', 'string', { hasUniqueValue: true }], ['phone', 'string'],
    ['mobilephone', 'string'], ['jobtitle', 'string'], ['company', 'string'], ['address', 'string'], ['city', 'string'],
    ['zip', 'string'], ['country', 'string'], ['lifecyclestage', 'enumeration'],
    ['odoo_partner_id', 'string', { ...CUSTOM, hasUniqueValue: true }],
  ],
  deals: [
    ['dealname', 'string'], ['amount', 'number'], ['dealstage', 'enumeration', { options: DEAL_STAGES }],
    ['pipeline', 'enumeration', { options: opts([['default', 'Sales Pipeline']]) }], ['closedate', 'datetime'],
    ['description', 'string'], ['deal_currency_code', 'string'], ['hs_priority', 'string'],
    ['odoo_order_ref', 'string', { ...CUSTOM, hasUniqueValue: true }],
    ['odoo_order_id', 'string', CUSTOM],
    ['odoo_order_state', 'string', CUSTOM],
    ['odoo_delivery_status', 'string', CUSTOM],
    ['odoo_tracking_ref', 'string', CUSTOM],
    ['odoo_invoice_ref', 'string', CUSTOM],
    ['odoo_invoice_status', 'string', CUSTOM],
    ['odoo_payment_status', 'string', CUSTOM],
    ['odoo_amount_due', 'number', CUSTOM],
    ['odoo_stock_status', 'string', CUSTOM],
    ['odoo_sync_status', 'string', CUSTOM],
    ['odoo_sync_error', 'string', CUSTOM],
  ],
  line_items: [
    ['name', 'string'], ['quantity', 'number'], ['price', 'number'], ['amount', 'number', { calculated: true }],
    ['hs_sku', 'string'], ['hs_product_id', 'string'], ['discount', 'number'], ['hs_discount_percentage', 'number'],
    ['description', 'string'],
    ['odoo_line_id', 'string', CUSTOM],
    ['odoo_qty_available', 'number', CUSTOM],
  ],
  tickets: [
    ['subject', 'string'], ['content', 'string'],
    ['hs_pipeline', 'enumeration', { options: opts([['0', 'Support Pipeline']]) }],
    ['hs_pipeline_stage', 'enumeration', { options: TICKET_STAGES }], ['hs_ticket_priority', 'string'],
    ['hs_ticket_category', 'string'],
    ['return_order_ref', 'string', CUSTOM],
    ['return_sku', 'string', CUSTOM],
    ['return_quantity', 'number', CUSTOM],
    ['return_reason', 'string', CUSTOM],
    ['return_status', 'string', CUSTOM],
    ['return_ref', 'string', { ...CUSTOM, hasUniqueValue: true }],
    ['odoo_return_ref', 'string', CUSTOM],
    ['odoo_credit_note_ref', 'string', CUSTOM],
    ['odoo_sync_status', 'string', CUSTOM],
    ['odoo_sync_error', 'string', CUSTOM],
  ],
  products: [
    ['name', 'string'], ['description', 'string'], ['price', 'number'], ['hs_sku', 'string', { hasUniqueValue: true }],
    ['hs_cost_of_goods_sold', 'number'], ['hs_product_type', 'string'],
    ['odoo_product_id', 'string', CUSTOM],
    ['odoo_qty_available', 'number', CUSTOM],
  ],
  notes: [['hs_note_body', 'string'], ['hs_timestamp', 'datetime'], ['hs_attachment_ids', 'string']],
};

const EPOCH = '2024-01-02T09:00:00.000Z';

export function defaultProperties(type: ObjectType): PropertyDefinition[] {
  return [...COMMON, ...DEFS[type]].map(([name, ptype, extra], i) => ({
    name,
    label: name.replace(/^hs_/, '').replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
    type: ptype,
    fieldType: FIELD_TYPE[ptype],
    groupName: `${SINGULAR[type]}information`,
    description: '',
    options: [],
    hasUniqueValue: false,
    hidden: false,
    calculated: false,
    readOnlyValue: false,
    hubspotDefined: true,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    archived: false,
    formField: true,
    displayOrder: i,
    ...extra,
  }));
}

/** Properties a list/get returns when the request names none (HubSpot's defaults, roughly). */
export const DEFAULT_RETURNED: Record<ObjectType, string[]> = {
  companies: ['name', 'domain', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  contacts: ['firstname', 'lastname', 'email', 'createdate', 'lastmodifieddate', 'hs_object_id'],
  deals: ['dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  line_items: ['name', 'quantity', 'price', 'amount', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  tickets: ['subject', 'content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_priority', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  products: ['name', 'description', 'price', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  notes: ['hs_note_body', 'hs_timestamp', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/**
 * HUBSPOT_DEFINED association type ids (unlabelled, plus the primary company ones).
 * Key `from>to`; each direction has its own id, as in HubSpot.
 */
export const ASSOCIATION_TYPES: Record<string, number> = {
  'contacts>companies': 279, 'companies>contacts': 280,
  'deals>contacts': 3, 'contacts>deals': 4,
  'deals>companies': 341, 'companies>deals': 342,
  'deals>line_items': 19, 'line_items>deals': 20,
  'tickets>contacts': 16, 'contacts>tickets': 15,
  'tickets>companies': 339, 'companies>tickets': 340,
  'tickets>deals': 28, 'deals>tickets': 27,
  'notes>contacts': 202, 'contacts>notes': 201,
  'notes>companies': 190, 'companies>notes': 189,
  'notes>deals': 214, 'deals>notes': 213,
  'notes>tickets': 228, 'tickets>notes': 227,
  'products>line_items': 0, 'line_items>products': 0,
};

/** Primary-company association ids (contact/deal/ticket -> company) and their reverse. */
export const PRIMARY_TYPES: Record<string, number> = {
  'contacts>companies': 1, 'companies>contacts': 2,
  'deals>companies': 5, 'companies>deals': 6,
  'tickets>companies': 26, 'companies>tickets': 25,
};

/** Association type id -> [from, to] for every known id (unlabelled and primary). */
export const ASSOCIATION_BY_ID: Map<number, [ObjectType, ObjectType]> = new Map(
  [...Object.entries(ASSOCIATION_TYPES), ...Object.entries(PRIMARY_TYPES)]
    .filter(([, id]) => id > 0)
    .map(([key, id]) => [id, key.split('>') as [ObjectType, ObjectType]]),
);

/** HubSpot's association type name used in associationChange webhooks, e.g. CONTACT_TO_COMPANY. */
export function associationTypeName(from: ObjectType, to: ObjectType): string {
  return `${SINGULAR[from].toUpperCase()}_TO_${SINGULAR[to].toUpperCase()}`;
}
