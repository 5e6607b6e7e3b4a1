/**
 * Odoo's `base` module as the sandbox needs it: partners, countries and states, currencies,
 * companies, groups, users, and ir.model / ir.model.fields (read-only views of the registry).
 */
import { ValidationError } from '../exceptions';
import type { Env, ModuleRegistrar, Row, SelectionList } from '../orm/schema';
import { defineModel, GROUPS } from '../orm/schema';

const PARTNER_TYPES: SelectionList = [
  ['contact', 'Contact'], ['invoice', 'Invoice Address'], ['delivery', 'Delivery Address'], ['other', 'Other Address'],
];

const FIELD_TYPES: SelectionList = [
  'binary', 'boolean', 'char', 'date', 'datetime', 'float', 'html', 'integer', 'many2many', 'many2one',
  'monetary', 'one2many', 'selection', 'text',
].map((t) => [t, t] as [string, string]);

/** Odoo's res.partner complete name: "Company, Contact"; unnamed addresses show their type. */
function partnerCompleteName(env: Env, rows: Row[]): string[] {
  const partners = env.model('res.partner');
  return rows.map((r) => {
    let name = (r.name as string | false) || '';
    const type = r.type as string;
    const parentId = r.parent_id as number | false;
    if (parentId) {
      if (!name && type !== 'contact') name = PARTNER_TYPES.find(([k]) => k === type)?.[1] ?? '';
      if (!r.is_company) {
        const parent = partners.row(parentId);
        const commercial = parent ? topCompany(env, parent) : undefined;
        const parentName = (commercial?.name as string) || (parent?.name as string) || '';
        name = `${parentName}, ${name}`;
      }
    }
    return name;
  });
}

/** res.partner.address_get: the first contact of each type among the partner's contacts, then its ancestors'. */
function addressGet(env: Env, ids: number[], pref: unknown): Record<string, number | false> {
  const partners = env.sudo().model('res.partner');
  const wanted = new Set<string>(Array.isArray(pref) ? pref.map(String) : []);
  wanted.add('contact');
  const result: Record<string, number | false> = {};
  const visited = new Set<number>();
  const done = () => Object.keys(result).length === wanted.size;
  outer: for (const id of ids) {
    let current = partners.row(id);
    while (current) {
      let toScan: Row[] = [current];
      while (toScan.length) {
        const rec = toScan.shift()!;
        visited.add(rec.id);
        if (wanted.has(rec.type as string) && !result[rec.type as string]) result[rec.type as string] = rec.id;
        if (done()) break outer;
        const children = partners.rows(partners.search([['parent_id', '=', rec.id]])).filter((c) => !visited.has(c.id) && !c.is_company);
        toScan = [...children, ...toScan];
      }
      if (current.is_company || !current.parent_id) break;
      current = partners.row(current.parent_id as number);
    }
  }
  const fallback = result.contact || (ids.length ? ids[0] : false);
  for (const t of wanted) result[t] = result[t] || fallback;
  return result;
}

function topCompany(env: Env, row: Row): Row {
  const partners = env.model('res.partner');
  let cur = row;
  const seen = new Set<number>();
  while (!cur.is_company && cur.parent_id && !seen.has(cur.id)) {
    seen.add(cur.id);
    const p = partners.row(cur.parent_id as number);
    if (!p) break;
    cur = p;
  }
  return cur;
}

export const registerModels: ModuleRegistrar = (registry, version) => {
  registry.define(defineModel({
    name: 'res.currency',
    description: 'Currency',
    order: 'active desc, name',
    fields: {
      name: { type: 'char', string: 'Currency', required: true, size: 3, help: 'Currency Code (ISO 4217)' },
      full_name: { type: 'char', string: 'Name' },
      symbol: { type: 'char', required: true, help: 'Currency sign, to be used when printing amounts.' },
      rounding: { type: 'float', string: 'Rounding Factor', default: 0.01, digits: [12, 6] },
      decimal_places: { type: 'integer', compute: (_env, rows) => rows.map((r) => Math.max(0, Math.ceil(Math.log10(1 / ((r.rounding as number) || 0.01))))) },
      position: { type: 'selection', selection: [['after', 'After Amount'], ['before', 'Before Amount']], default: 'after', string: 'Symbol Position' },
      active: { type: 'boolean', default: true },
    },
    unique: [{ fields: ['name'], message: 'The currency code must be unique!' }],
  }));

  registry.define(defineModel({
    name: 'res.country',
    description: 'Country',
    order: 'name',
    fields: {
      name: { type: 'char', string: 'Country Name', required: true, translate: true },
      code: { type: 'char', string: 'Country Code', size: 2, required: true, help: 'The ISO country code in two chars.' },
      phone_code: { type: 'integer', string: 'Country Calling Code' },
      currency_id: { type: 'many2one', relation: 'res.currency', string: 'Currency' },
      state_ids: { type: 'one2many', relation: 'res.country.state', inverseName: 'country_id', string: 'States' },
    },
    recNamesSearch: ['name', 'code'],
    unique: [{ fields: ['code'], message: 'The code of the country must be unique!' }],
    methods: {
      // Odoo's res.country._name_search: a two-letter name matches codes first, then names
      name_search: {
        kind: 'model',
        params: [{ name: 'name', default: '' }, { name: version >= 18 ? 'domain' : 'args', default: null }, { name: 'operator', default: 'ilike' }, { name: 'limit', default: 100 }],
        impl: (env, _ids, args) => {
          const countries = env.model('res.country');
          const name = typeof args.name === 'string' ? args.name : '';
          const domain = (args[version >= 18 ? 'domain' : 'args'] as unknown[] | null) ?? [];
          const limit = typeof args.limit === 'number' && args.limit > 0 ? args.limit : null;
          const operator = String(args.operator ?? 'ilike');
          let ids: number[] = [];
          if (name.length === 2) ids = countries.search([['code', 'ilike', name], ...domain], { limit });
          const rest = name === '' && operator.includes('like') ? [] : [['name', operator, name]];
          const more = countries.search([...rest, ...(ids.length ? [['id', 'not in', ids]] : []), ...domain], { limit });
          ids = [...ids, ...more].slice(0, limit ?? undefined);
          const names = countries.displayNames(ids);
          return ids.map((id, i) => [id, names[i]]);
        },
      },
    },
  }));

  registry.define(defineModel({
    name: 'res.country.state',
    description: 'Country state',
    order: 'code',
    fields: {
      country_id: { type: 'many2one', relation: 'res.country', string: 'Country', required: true },
      name: { type: 'char', string: 'State Name', required: true },
      code: { type: 'char', string: 'State Code', required: true },
    },
    recNamesSearch: ['name', 'code'],
    displayName: (env, rows) => rows.map((r) => {
      const c = env.model('res.country').row(r.country_id as number);
      return `${r.name} (${c?.code ?? ''})`;
    }),
  }));

  registry.define(defineModel({
    name: 'res.partner',
    description: 'Contact',
    order: 'complete_name ASC, id DESC',
    recNamesSearch: ['complete_name', 'email', 'ref', 'vat'],
    displayName: (_env, rows) => rows.map((r) => (r.complete_name as string) || ''),
    fields: {
      name: { type: 'char', index: true },
      complete_name: {
        type: 'char', string: 'Complete Name', store: true, compute: partnerCompleteName,
        depends: ['is_company', 'name', 'parent_id.name', 'type'],
      },
      is_company: { type: 'boolean', string: 'Is a Company', default: false, help: 'Check if the contact is a company, otherwise it is a person' },
      company_type: {
        type: 'selection', string: 'Company Type', selection: [['person', 'Individual'], ['company', 'Company']],
        compute: (_env, rows) => rows.map((r) => (r.is_company ? 'company' : 'person')),
        inverse: (env, ids, value) => env.model('res.partner').write(ids, { is_company: value === 'company' }),
        search: (_env, op, value) => [['is_company', op === '!=' || op === 'not in' ? '!=' : '=', Array.isArray(value) ? value.includes('company') : value === 'company']],
      },
      parent_id: { type: 'many2one', relation: 'res.partner', string: 'Related Company', index: true },
      parent_name: { type: 'char', related: 'parent_id.name', string: 'Parent name', readonly: true },
      child_ids: { type: 'one2many', relation: 'res.partner', inverseName: 'parent_id', string: 'Contact' },
      commercial_partner_id: {
        type: 'many2one', relation: 'res.partner', string: 'Commercial Entity', store: true, readonly: true,
        depends: ['is_company', 'parent_id.commercial_partner_id'],
        compute: (env, rows) => rows.map((r) => topCompany(env, r).id),
      },
      type: { type: 'selection', string: 'Address Type', selection: PARTNER_TYPES, default: 'contact' },
      ref: { type: 'char', string: 'Reference', index: true },
      vat: { type: 'char', string: 'Tax ID', index: true, help: 'The Tax Identification Number.' },
      email: { type: 'char' },
      phone: { type: 'char' },
      mobile: { type: 'char', onlyVersions: [17, 18] },
      website: { type: 'char', string: 'Website Link' },
      function: { type: 'char', string: 'Job Position' },
      street: { type: 'char' },
      street2: { type: 'char' },
      zip: { type: 'char' },
      city: { type: 'char' },
      state_id: { type: 'many2one', relation: 'res.country.state', string: 'State', ondelete: 'restrict' },
      country_id: { type: 'many2one', relation: 'res.country', string: 'Country', ondelete: 'restrict' },
      country_code: { type: 'char', related: 'country_id.code', string: 'Country Code' },
      company_id: { type: 'many2one', relation: 'res.company', string: 'Company', index: true },
      user_id: { type: 'many2one', relation: 'res.users', string: 'Salesperson', help: 'The internal user in charge of this contact.' },
      active: { type: 'boolean', default: true },
      lang: { type: 'selection', string: 'Language', selection: [['en_US', 'English (US)'], ['fr_FR', 'French / Français'], ['de_DE', 'German / Deutsch'], ['nl_NL', 'Dutch / Nederlands'], ['es_ES', 'Spanish / Español']], default: 'en_US' },
      tz: { type: 'char', string: 'Timezone' },
      comment: { type: 'html', string: 'Notes' },
      employee: { type: 'boolean', help: 'Check this box if this contact is an Employee.' },
      company_name: { type: 'char', string: 'Company Name' },
    },
    methods: {
      address_get: {
        kind: 'records', params: [{ name: 'adr_pref', default: null }],
        impl: (env, ids, args) => addressGet(env, ids!, args.adr_pref),
      },
    },
    constraints: [{
      fields: ['name', 'type'],
      check: (env, ids) => {
        for (const r of env.model('res.partner').rows(ids)) {
          if (r.type === 'contact' && !r.name) {
            throw new ValidationError(version >= 18 ? 'Contacts require a name' : 'The operation cannot be completed: Contacts require a name');
          }
        }
      },
    }, {
      fields: ['parent_id'],
      check: (env, ids) => {
        const partners = env.model('res.partner');
        for (const id of ids) {
          const seen = new Set<number>();
          let cur = partners.row(id);
          while (cur && cur.parent_id) {
            if (seen.has(cur.id)) throw new ValidationError('You cannot create recursive Partner hierarchies.');
            seen.add(cur.id);
            cur = partners.row(cur.parent_id as number);
          }
        }
      },
    }],
  }));

  registry.define(defineModel({
    name: 'res.company',
    description: 'Companies',
    order: 'sequence, name',
    fields: {
      name: { type: 'char', string: 'Company Name', required: true },
      sequence: { type: 'integer', default: 10 },
      partner_id: { type: 'many2one', relation: 'res.partner', string: 'Partner', required: true },
      currency_id: { type: 'many2one', relation: 'res.currency', string: 'Currency', required: true },
      email: { type: 'char' },
      phone: { type: 'char' },
      vat: { type: 'char', string: 'Tax ID' },
      street: { type: 'char' },
      city: { type: 'char' },
      zip: { type: 'char' },
      state_id: { type: 'many2one', relation: 'res.country.state', string: 'Fed. State' },
      country_id: { type: 'many2one', relation: 'res.country', string: 'Country' },
      active: { type: 'boolean', default: true },
    },
    unique: [{ fields: ['name'], message: 'The company name must be unique!' }],
  }));

  registry.define(defineModel({
    name: 'res.groups',
    description: 'Access Groups',
    order: 'name',
    recName: 'full_name',
    fields: {
      name: { type: 'char', required: true, translate: true },
      full_name: { type: 'char', string: 'Group Name' },
      comment: { type: 'text' },
      share: { type: 'boolean', string: 'Share Group' },
    },
  }));

  registry.define(defineModel({
    name: 'res.users',
    description: 'User',
    order: 'name, login',
    inherits: { 'res.partner': 'partner_id' },
    recName: 'name',
    recNamesSearch: ['name', 'login'],
    fields: {
      partner_id: { type: 'many2one', relation: 'res.partner', string: 'Related Partner', required: true, ondelete: 'restrict' },
      login: { type: 'char', required: true, help: 'Used to log into the system' },
      active: { type: 'boolean', default: true },
      company_id: { type: 'many2one', relation: 'res.company', string: 'Company', required: true, default: (env) => env.ref('base.main_company') || false },
      company_ids: { type: 'many2many', relation: 'res.company', string: 'Companies', default: (env) => { const c = env.ref('base.main_company'); return c ? [c] : []; } },
      groups_id: { type: 'many2many', relation: 'res.groups', string: 'Groups', renamedIn: { 19: 'group_ids' } },
      share: {
        type: 'boolean', string: 'Share User',
        compute: (env, rows) => {
          const user = env.ref(GROUPS.user);
          const gf = env.fieldName('res.users', 'groups_id');
          return rows.map((r) => !(r[gf] as number[] ?? []).includes(user as number));
        },
      },
      tz: { type: 'char', string: 'Timezone' },
      signature: { type: 'html', string: 'Email Signature' },
    },
    unique: [{ fields: ['login'], message: 'You can not have two users with the same login!' }],
    methods: {
      has_group: {
        kind: 'records', params: ['group_ext_id'],
        impl: (env, ids, args) => {
          const uid = ids && ids.length ? ids[0] : env.uid;
          return env.withUser(uid).hasGroup(String(args.group_ext_id));
        },
      },
      context_get: {
        kind: 'model', params: [],
        impl: (env) => {
          const u = env.sudo().model('res.users');
          const row = u.row(env.uid);
          return { lang: (row ? u.get(env.uid, 'lang') : false) || 'en_US', tz: (row?.tz as string) || false, uid: env.uid };
        },
      },
    },
  }));

  registry.define(defineModel({
    name: 'ir.model',
    description: 'Models',
    order: 'model',
    recName: 'model',
    fields: {
      name: { type: 'char', string: 'Model Description', required: true },
      model: { type: 'char', required: true },
      info: { type: 'text', string: 'Information' },
      field_id: { type: 'one2many', relation: 'ir.model.fields', inverseName: 'model_id', string: 'Fields' },
      state: { type: 'selection', string: 'Type', selection: [['manual', 'Custom Object'], ['base', 'Base Object']], default: 'base' },
      transient: { type: 'boolean', string: 'Transient Model' },
      modules: { type: 'char', string: 'In Apps' },
    },
    displayName: (_env, rows) => rows.map((r) => r.name as string),
  }));

  registry.define(defineModel({
    name: 'ir.model.fields',
    description: 'Fields',
    order: 'name',
    fields: {
      name: { type: 'char', string: 'Field Name', required: true },
      complete_name: { type: 'char', string: 'Complete Name' },
      model: { type: 'char', string: 'Model Name', required: true },
      model_id: { type: 'many2one', relation: 'ir.model', string: 'Model', required: true, ondelete: 'cascade' },
      field_description: { type: 'char', string: 'Field Label', required: true },
      help: { type: 'text', string: 'Field Help' },
      ttype: { type: 'selection', string: 'Field Type', selection: FIELD_TYPES, required: true },
      relation: { type: 'char', string: 'Related Model' },
      relation_field: { type: 'char', string: 'Relation Field' },
      related: { type: 'char', string: 'Related Field' },
      required: { type: 'boolean' },
      readonly: { type: 'boolean' },
      store: { type: 'boolean', string: 'Stored' },
      index: { type: 'boolean', string: 'Indexed' },
      translate: { type: 'boolean', string: 'Translatable' },
      groups: { type: 'char', string: 'Groups' },
      selection: { type: 'char', string: 'Selection Options', onlyVersions: [17] },
      state: { type: 'selection', string: 'Type', selection: [['manual', 'Custom Field'], ['base', 'Base Field']], default: 'base' },
    },
    displayName: (_env, rows) => rows.map((r) => `${r.field_description} (${r.model})`),
  }));

  // rights (Odoo's ir.model.access of base, reduced to what the sandbox's users need)
  registry.grant('res.currency', '*', 'r');
  registry.grant('res.country', '*', 'r');
  registry.grant('res.country.state', '*', 'r');
  registry.grant('res.company', '*', 'r');
  registry.grant('res.groups', GROUPS.user, 'r');
  registry.grant('res.users', GROUPS.user, 'r');
  registry.grant('res.users', GROUPS.erpManager, 'rwcu');
  registry.grant('res.groups', GROUPS.erpManager, 'rwcu');
  registry.grant('res.partner', GROUPS.user, 'r');
  registry.grant('res.partner', GROUPS.partnerManager, 'rwcu');
  registry.grant('res.partner', GROUPS.integration, 'rwc');
  registry.grant('ir.model', GROUPS.user, 'r');
  registry.grant('ir.model.fields', GROUPS.user, 'r');
};

/** Seeds the base records every sandbox has (ids follow Odoo's demo database where it matters). */
export interface BaseSeedIds {
  company: number;
  admin: number;
  integration: number;
  usd: number;
  eur: number;
}

const COUNTRIES: Array<[string, string, number, string]> = [
  ['US', 'United States', 1, 'USD'], ['CA', 'Canada', 1, 'CAD'], ['MX', 'Mexico', 52, 'MXN'], ['GB', 'United Kingdom', 44, 'GBP'],
  ['BE', 'Belgium', 32, 'EUR'], ['FR', 'France', 33, 'EUR'], ['DE', 'Germany', 49, 'EUR'], ['NL', 'Netherlands', 31, 'EUR'],
  ['ES', 'Spain', 34, 'EUR'], ['IT', 'Italy', 39, 'EUR'], ['IE', 'Ireland', 353, 'EUR'], ['LU', 'Luxembourg', 352, 'EUR'],
  ['AT', 'Austria', 43, 'EUR'], ['CH', 'Switzerland', 41, 'CHF'], ['DK', 'Denmark', 45, 'DKK'], ['SE', 'Sweden', 46, 'SEK'],
  ['PL', 'Poland', 48, 'PLN'], ['PT', 'Portugal', 351, 'EUR'], ['AU', 'Australia', 61, 'AUD'], ['IN', 'India', 91, 'INR'],
];

const US_STATES: Array<[string, string]> = [
  ['CA', 'California'], ['NY', 'New York'], ['TX', 'Texas'], ['WA', 'Washington'], ['IL', 'Illinois'], ['FL', 'Florida'],
  ['MA', 'Massachusetts'], ['GA', 'Georgia'], ['CO', 'Colorado'], ['OR', 'Oregon'], ['PA', 'Pennsylvania'], ['OH', 'Ohio'],
];

const CURRENCIES: Array<[string, string, string, 'before' | 'after']> = [
  ['USD', 'United States dollar', '$', 'before'], ['EUR', 'Euro', '€', 'after'], ['GBP', 'Pound sterling', '£', 'before'],
  ['CAD', 'Canadian dollar', '$', 'before'], ['MXN', 'Mexican peso', '$', 'before'], ['CHF', 'Swiss franc', 'CHF', 'after'],
  ['DKK', 'Danish krone', 'kr', 'after'], ['SEK', 'Swedish krona', 'kr', 'after'], ['PLN', 'Polish złoty', 'zł', 'after'],
  ['AUD', 'Australian dollar', '$', 'before'], ['INR', 'Indian rupee', '₹', 'before'],
];

/**
 * Create the base data with a superuser env: currencies, countries, US states, groups, the main
 * company 'My Company (San Francisco)', users __system__ (1), admin (2) and integration.
 */
export function seedBase(env: Env): BaseSeedIds {
  const cur = env.model('res.currency');
  const currencyIds = new Map<string, number>();
  for (const [code, full, symbol, position] of CURRENCIES) {
    const id = cur.create({ name: code, full_name: full, symbol, position, active: code === 'USD' || code === 'EUR' });
    currencyIds.set(code, id);
    env.setRef(`base.${code}`, 'res.currency', id);
  }
  const countries = env.model('res.country');
  const countryIds = new Map<string, number>();
  for (const [code, name, phone, currency] of COUNTRIES) {
    const id = countries.create({ code, name, phone_code: phone, currency_id: currencyIds.get(currency) ?? false });
    countryIds.set(code, id);
    env.setRef(`base.${code.toLowerCase()}`, 'res.country', id);
  }
  const states = env.model('res.country.state');
  for (const [code, name] of US_STATES) {
    const id = states.create({ code, name, country_id: countryIds.get('US') });
    env.setRef(`base.state_us_${code.toLowerCase()}`, 'res.country.state', id);
  }
  // groups of the registry (res.groups rows with their external ids)
  const groups = env.model('res.groups');
  const groupIds: number[] = [];
  for (const g of (env.registry as unknown as { groupDefs(): Array<{ xmlid: string; name: string }> }).groupDefs()) {
    const [cat, ...rest] = g.name.split(' / ');
    const id = groups.create({ name: rest.length ? rest.join(' / ') : cat, full_name: g.name });
    env.setRef(g.xmlid, 'res.groups', id);
    groupIds.push(id);
  }
  const partners = env.model('res.partner');
  const companyPartner = partners.create({
    name: 'My Company (San Francisco)', is_company: true, street: '250 Executive Park Blvd, Suite 3400', city: 'San Francisco',
    zip: '94134', state_id: env.ref('base.state_us_ca'), country_id: countryIds.get('US'), email: 'info@yourcompany.com',
    phone: '+1 555-555-5556', website: 'http://www.example.com',
  });
  const company = env.model('res.company').create({
    name: 'My Company (San Francisco)', partner_id: companyPartner, currency_id: currencyIds.get('USD'),
    email: 'info@yourcompany.com', phone: '+1 555-555-5556', street: '250 Executive Park Blvd, Suite 3400', city: 'San Francisco',
    zip: '94134', state_id: env.ref('base.state_us_ca'), country_id: countryIds.get('US'),
  });
  env.setRef('base.main_company', 'res.company', company);
  env.setRef('base.main_partner', 'res.partner', companyPartner);
  partners.write([companyPartner], { company_id: company });
  const users = env.model('res.users');
  const gf = env.fieldName('res.users', 'groups_id');
  const system = users.create({ login: '__system__', name: 'OdooBot', active: false, company_id: company, [gf]: [[6, 0, groupIds]], email: 'odoobot@example.com' });
  const admin = users.create({
    login: 'admin', name: 'Mitchell Admin', company_id: company, [gf]: [[6, 0, groupIds]], email: 'admin@yourcompany.example.com',
    parent_id: companyPartner, tz: 'Europe/Brussels', street: '215 Vine St', city: 'Scranton', zip: '18503', country_id: countryIds.get('US'),
  });
  const integrationGroups = [env.ref(GROUPS.user), env.ref(GROUPS.integration)].filter((x): x is number => typeof x === 'number');
  const integration = users.create({
    login: 'integration', name: 'Integration Bot', company_id: company, [gf]: [[6, 0, integrationGroups]],
    email: 'integration@yourcompany.example.com', parent_id: companyPartner,
  });
  env.setRef('base.user_root', 'res.users', system);
  env.setRef('base.user_admin', 'res.users', admin);
  env.setRef('sandbox.user_integration', 'res.users', integration);
  env.setRef('base.partner_admin', 'res.partner', users.get(admin, 'partner_id') as number);
  return { company, admin, integration, usd: currencyIds.get('USD')!, eur: currencyIds.get('EUR')! };
}
