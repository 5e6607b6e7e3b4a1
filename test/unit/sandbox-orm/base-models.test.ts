import assert from 'assert';
import { ValidationError } from '../../../sandbox/odoo/exceptions';
import type { SandboxDb } from '../../../sandbox/odoo/database';
import { INTEGRATION, makeDb, x } from './fixtures';

type Rec = Record<string, unknown>;

describe('sandbox ORM: base models', () => {
  let db: SandboxDb;
  let acme: number;
  before(() => {
    db = makeDb(18);
    acme = x(db, 'res.partner', 'create', [{ name: 'Acme', is_company: true, country_id: db.env().ref('base.be') }]) as number;
  });

  it('partner display names: "Company, Contact"; unnamed addresses show their type', () => {
    const [c, inv] = x(db, 'res.partner', 'create', [[{ name: 'Jane', parent_id: acme }, { type: 'invoice', parent_id: acme }]]) as number[];
    assert.deepStrictEqual((x(db, 'res.partner', 'read', [[c, inv], ['display_name', 'commercial_partner_id']]) as Rec[]).map((r) => [r.display_name, (r.commercial_partner_id as unknown[])[0]]),
      [['Acme, Jane', acme], ['Acme, Invoice Address', acme]]);
    assert.strictEqual((x(db, 'res.partner', 'read', [[acme], ['country_code', 'company_type']]) as Rec[])[0].country_code, 'BE');
    assert.deepStrictEqual(x(db, 'res.partner', 'search', [[['company_type', '=', 'company'], ['id', '=', acme]]]), [acme]);
    assert.throws(() => x(db, 'res.partner', 'write', [[acme], { parent_id: c }]), (e: unknown) => e instanceof ValidationError && /recursive/.test(e.message));
  });

  it('address_get picks the first contact of each type, falling back to the contact', () => {
    const co = x(db, 'res.partner', 'create', [{ name: 'Addr Co', is_company: true }]) as number;
    const [, del] = x(db, 'res.partner', 'create', [[{ name: 'Bob', parent_id: co }, { name: 'Dock', type: 'delivery', parent_id: co }]]) as number[];
    assert.deepStrictEqual(x(db, 'res.partner', 'address_get', [[co], ['invoice', 'delivery']]), { contact: co, invoice: co, delivery: del });
  });

  it('mobile exists on 17/18 only; groups_id becomes group_ids on 19', () => {
    const p = x(db, 'res.partner', 'create', [{ name: 'M', mobile: '+32 400' }]) as number;
    assert.strictEqual((x(db, 'res.partner', 'read', [[p], ['mobile']]) as Rec[])[0].mobile, '+32 400');
    const db19 = makeDb(19);
    assert.throws(() => x(db19, 'res.partner', 'create', [{ name: 'M', mobile: '1' }]), /Invalid field 'mobile' on model 'res.partner'/);
    assert.ok(Array.isArray((x(db19, 'res.users', 'read', [[2], ['group_ids']]) as Rec[])[0].group_ids));
  });

  it('res.users: has_group, context_get, login unique, admin has every group', () => {
    assert.strictEqual(x(db, 'res.users', 'has_group', [[INTEGRATION], 'sandbox.group_integration']), true);
    assert.strictEqual(x(db, 'res.users', 'has_group', [[INTEGRATION], 'base.group_system']), false);
    assert.strictEqual(x(db, 'res.users', 'has_group', [[2], 'base.group_system']), true);
    assert.deepStrictEqual(x(db, 'res.users', 'context_get', []), { lang: 'en_US', tz: 'Europe/Brussels', uid: 2 });
    const [u] = x(db, 'res.users', 'search_read', [[['login', '=', 'integration']], ['name', 'share', 'company_id']]) as Rec[];
    assert.deepStrictEqual([u.name, u.share, (u.company_id as unknown[])[1]], ['Integration Bot', false, 'My Company (San Francisco)']);
  });

  it('countries and states are found by name or code', () => {
    const us = x(db, 'res.country', 'name_search', ['US']) as Array<[number, string]>;
    assert.strictEqual(us[0][1], 'United States');
    const ca = x(db, 'res.country.state', 'search_read', [[['code', '=', 'CA'], ['country_id.code', '=', 'US']], ['display_name']]) as Rec[];
    assert.strictEqual(ca[0].display_name, 'California (US)');
    assert.deepStrictEqual(x(db, 'res.partner', 'search', [[['country_id', '=', 'Belgium'], ['id', '=', acme]]]), [acme]);
  });
});
