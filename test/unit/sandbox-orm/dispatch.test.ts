import assert from 'assert';
import { AccessDenied, AccessError, PythonError, UserError, ValidationError } from '../../../sandbox/odoo/exceptions';
import { createDatabase, type SandboxDb } from '../../../sandbox/odoo/database';
import { BindingError, UnknownMethodError } from '../../../sandbox/odoo/orm/dispatch';
import { registerModels } from '../../../sandbox/odoo/models/base';
import { ADMIN, INTEGRATION, makeDb, registerTestModels, x } from './fixtures';

type Rec = Record<string, unknown>;

describe('sandbox ORM: calls, faults, access rights, transactions, versions', () => {
  let db: SandboxDb;
  beforeEach(() => {
    db = makeDb(19);
  });

  describe('authentication', () => {
    it('login + password or API key; False on bad credentials; AccessDenied on the object service', () => {
      const [admin, integ] = db.users();
      assert.deepStrictEqual([admin.uid, admin.login, integ.login], [2, 'admin', 'integration']);
      assert.match(admin.apiKey, /^[0-9a-f]{40}$/);
      assert.notStrictEqual(admin.apiKey, integ.apiKey);
      assert.strictEqual(db.authenticate('admin', 'admin'), ADMIN);
      assert.strictEqual(db.authenticate('admin', admin.apiKey), ADMIN);
      assert.strictEqual(db.authenticate('integration', 'integration'), INTEGRATION);
      assert.strictEqual(db.authenticate('admin', 'wrong'), false);
      assert.strictEqual(db.authenticate('admin', integ.apiKey), false);
      assert.strictEqual(db.authenticate('nobody', 'admin'), false);
      assert.strictEqual(db.authenticate('__system__', ''), false);
      assert.doesNotThrow(() => db.checkCredentials(ADMIN, 'admin'));
      assert.doesNotThrow(() => db.checkCredentials(ADMIN, admin.apiKey));
      assert.throws(() => db.checkCredentials(ADMIN, 'nope'), (e: unknown) => e instanceof AccessDenied && e.message === 'Access Denied');
      assert.throws(() => db.checkCredentials(ADMIN, ''), AccessDenied);
      assert.throws(() => db.checkCredentials(99, 'admin'), AccessDenied);
      assert.strictEqual(db.uidForApiKey(integ.apiKey), INTEGRATION);
      assert.strictEqual(db.uidForApiKey('0'.repeat(40)), false);
      // archived users cannot log in
      x(db, 'res.users', 'write', [[INTEGRATION], { active: false }]);
      assert.strictEqual(db.authenticate('integration', 'integration'), false);
      assert.strictEqual(db.uidForApiKey(integ.apiKey), false);
    });
  });

  describe('dispatch (call_kw)', () => {
    it('unknown model is a UserError "Object x doesn\'t exist"', () => {
      assert.throws(() => x(db, 'no.such', 'search', [[]]), (e: unknown) => e instanceof UserError && e.message === "Object no.such doesn't exist");
      assert.strictEqual(db.hasModel('no.such'), false);
      assert.strictEqual(db.hasModel('res.partner'), true);
    });

    it('private methods: AccessError with each version\'s text', () => {
      assert.throws(() => x(db, 'res.partner', '_compute_display_name', [[1]]), (e: unknown) => e instanceof AccessError && e.message === "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely.");
      const db17 = makeDb(17);
      assert.throws(() => x(db17, 'res.partner', '_foo', []), (e: unknown) => e instanceof AccessError && e.message === 'Private methods (such as _foo) cannot be called remotely.');
      // 17 checks the name before the model
      assert.throws(() => x(db17, 'no.such', '_foo', []), AccessError);
    });

    it('unknown public method: AttributeError', () => {
      assert.throws(() => x(db, 'res.partner', 'frobnicate', [[1]]), (e: unknown) => e instanceof PythonError && e.excType === 'AttributeError' && e.message === "The method 'res.partner.frobnicate' does not exist" && e instanceof UnknownMethodError);
    });

    it('binds positional args and kwargs to the signature; TypeErrors like Python', () => {
      assert.strictEqual(x(db, 'x.item', 'hello', ['you']), 'hello you!');
      assert.strictEqual(x(db, 'x.item', 'hello', ['you', '?']), 'hello you?');
      assert.strictEqual(x(db, 'x.item', 'hello', [], { who: 'kw' }), 'hello kw!');
      assert.throws(() => x(db, 'x.item', 'hello', []), (e: unknown) => e instanceof PythonError && e.excType === 'TypeError' && e.message === "hello() missing 1 required positional argument: 'who'");
      assert.throws(() => x(db, 'x.item', 'hello', ['a'], { bogus: 1 }), /hello\(\) got an unexpected keyword argument 'bogus'/);
      assert.throws(() => x(db, 'x.item', 'hello', ['a', 'b', 'c']), /hello\(\) takes from 2 to 3 positional arguments but 4 were given/);
      assert.throws(() => x(db, 'x.item', 'hello', ['a'], { who: 'b' }), /got multiple values for argument 'who'/);
      // record methods take ids as args[0]
      const id = x(db, 'x.item', 'create', [{ name: 'r' }]) as number;
      assert.strictEqual(x(db, 'x.item', 'action_done', [[id], 'note!']), true);
      assert.deepStrictEqual(x(db, 'x.item', 'read', [[id], ['state', 'code']]), [{ id, state: 'done', code: 'note!' }]);
      assert.throws(() => x(db, 'x.item', 'action_done', []), (e: unknown) => e instanceof PythonError && e.excType === 'IndexError');
      // search_read passes **read_kwargs (load) and refuses others
      assert.throws(() => x(db, 'x.item', 'search_read', [[]], { bogus: 1 }), /unexpected keyword argument 'bogus'/);
    });

    it('allowed_company_ids outside the user\'s companies: AccessError', () => {
      const company = db.env().ref('base.main_company') as number;
      assert.deepStrictEqual(x(db, 'x.item', 'search', [[]], { context: { allowed_company_ids: [company] } }), []);
      assert.throws(() => x(db, 'x.item', 'search', [[]], { context: { allowed_company_ids: [company, 999] } }), (e: unknown) => e instanceof AccessError && e.message === 'Access to unauthorized or invalid companies.');
    });

    it('context comes from kwargs', () => {
      const id = x(db, 'x.item', 'create', [{ name: 'arch', active: false }]) as number;
      assert.deepStrictEqual(x(db, 'x.item', 'search', [[['name', '=', 'arch']]], { context: { active_test: false } }), [id]);
      assert.deepStrictEqual(x(db, 'x.item', 'search', [[['name', '=', 'arch']]], { context: {} }), []);
    });

    it('recordsets: ids on 19; ≤18 only for @api.returns methods, else not marshallable', () => {
      const id = x(db, 'x.item', 'create', [{ name: 'r' }]) as number;
      const out = x(db, 'x.item', 'make_copy', [[id]]) as number[];
      assert.ok(Array.isArray(out) && out.length === 1);
      const db18 = makeDb(18);
      const id18 = x(db18, 'x.item', 'create', [{ name: 'r' }]) as number;
      assert.throws(() => x(db18, 'x.item', 'make_copy', [[id18]]), /cannot marshal <class 'odoo.api.x.item'> objects/);
      assert.deepStrictEqual(x(db18, 'x.item', 'search', [[['id', '=', id18]]]), [id18]);
      assert.strictEqual(x(db, 'x.item', 'nothing', []), null);
    });

    it('JSON-2: named parameters, ids, TypeError binding errors (422), recordsets as ids', () => {
      const id = db.executeNamed(ADMIN, 'x.item', 'create', undefined, { vals_list: [{ name: 'j1' }, { name: 'j2' }] }, undefined) as number[];
      assert.strictEqual(id.length, 2);
      assert.deepStrictEqual(db.executeNamed(ADMIN, 'x.item', 'search_read', undefined, { domain: [['name', '=', 'j1']], fields: ['name'] }, undefined), [{ id: id[0], name: 'j1' }]);
      assert.deepStrictEqual(db.executeNamed(ADMIN, 'x.item', 'read', [id[1]], { fields: ['name'] }, undefined), [{ id: id[1], name: 'j2' }]);
      assert.strictEqual(db.executeNamed(ADMIN, 'x.item', 'write', id, { vals: { qty: 2 } }, undefined), true);
      assert.deepStrictEqual(db.executeNamed(ADMIN, 'x.item', 'search', undefined, { domain: [['qty', '=', 2]] }, undefined), id);
      assert.strictEqual(db.executeNamed(ADMIN, 'x.item', 'search_count', undefined, { domain: [], limit: 1 }, undefined), 1);
      assert.deepStrictEqual(db.executeNamed(ADMIN, 'x.item', 'search', undefined, { domain: [['name', '=', 'arch']] }, { active_test: false }), []);
      const bind = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof BindingError && e.httpStatus === 422 && e.excType === 'TypeError' && re.test(e.message));
      bind(() => db.executeNamed(ADMIN, 'x.item', 'search', undefined, { domian: [] }, undefined), /got an unexpected keyword argument 'domian'/);
      // search_read takes **read_kwargs: binding succeeds and read() fails (a 500 in Odoo)
      assert.throws(() => db.executeNamed(ADMIN, 'x.item', 'search_read', undefined, { domian: [] }, undefined), (e: unknown) => e instanceof PythonError && !(e instanceof BindingError) && /unexpected keyword argument 'domian'/.test(e.message));
      bind(() => db.executeNamed(ADMIN, 'x.item', 'create', undefined, {}, undefined), /missing a required argument: 'vals_list'/);
      bind(() => db.executeNamed(ADMIN, 'x.item', 'search', [1], { domain: [] }, undefined), /cannot call x.item.search with ids/);
      assert.throws(() => db.executeNamed(ADMIN, 'x.item', 'nope', undefined, {}, undefined), (e: unknown) => e instanceof UnknownMethodError && e.httpStatus === 404);
    });
  });

  describe('access rights', () => {
    const asInt = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => x(db, model, method, args, kwargs, INTEGRATION);

    it('integration user: create and write partners, but not delete', () => {
      const p = asInt('res.partner', 'create', [{ name: 'Via integration', email: 'i@x' }]) as number;
      assert.strictEqual(asInt('res.partner', 'write', [[p], { phone: '123' }]), true);
      assert.ok((asInt('res.partner', 'search_read', [[['id', '=', p]], ['phone']]) as Rec[]).length === 1);
      assert.throws(() => asInt('res.partner', 'unlink', [[p]]), (e: unknown) => e instanceof AccessError && e.message ===
        "You are not allowed to delete 'Contact' (res.partner) records.\n\nThis operation is allowed for the following groups:\n\t- Administration / Settings\n\t- Extra Rights / Contact Creation\n\nContact your administrator to request access if necessary.");
      // nothing changed
      assert.strictEqual((x(db, 'res.partner', 'search', [[['id', '=', p]]]) as number[]).length, 1);
    });

    it('integration user: no writes on models it may only read, no access to others', () => {
      assert.throws(() => asInt('res.country', 'create', [{ name: 'X', code: 'XX' }]), /You are not allowed to create 'Country' \(res\.country\) records\./);
      assert.throws(() => asInt('res.users', 'write', [[INTEGRATION], { name: 'me' }]), /You are not allowed to modify 'User' \(res\.users\) records/);
      assert.throws(() => asInt('res.groups', 'unlink', [[1]]), AccessError);
      assert.ok((asInt('res.country', 'search_count', [[]]) as number) > 10);
    });

    it('admin has every right', () => {
      const c = x(db, 'res.country', 'create', [{ name: 'Atlantis', code: 'AX' }]) as number;
      assert.strictEqual(x(db, 'res.country', 'unlink', [[c]]), true);
      assert.strictEqual(x(db, 'x.item', 'has_access', [[], 'unlink']), true);
    });

    it('field groups: omitted from default reads and fields_get, AccessError when asked for', () => {
      const id = x(db, 'x.item', 'create', [{ name: 's', secret: 'shh' }]) as number;
      assert.strictEqual((x(db, 'x.item', 'read', [[id], ['secret']]) as Rec[])[0].secret, 'shh');
      assert.throws(() => asInt('x.item', 'read', [[id], ['secret']]), (e: unknown) => e instanceof AccessError && /security restrictions[\s\S]*- secret \(allowed for groups 'Administration \/ Settings'\)/.test(e.message));
      assert.ok(!('secret' in (asInt('x.item', 'fields_get', []) as Rec)));
      assert.ok('secret' in (x(db, 'x.item', 'fields_get', []) as Rec));
    });

    it('has_access / check_access_rights per version', () => {
      assert.strictEqual(asInt('x.item', 'has_access', [[], 'unlink']), false);
      assert.strictEqual(asInt('x.item', 'has_access', [[], 'create']), true);
      const db18 = makeDb(18);
      assert.strictEqual(x(db18, 'x.item', 'check_access_rights', ['unlink', false], {}, INTEGRATION), false);
      assert.throws(() => x(db18, 'x.item', 'check_access_rights', ['unlink'], {}, INTEGRATION), AccessError);
      assert.throws(() => x(db, 'x.item', 'check_access_rights', ['read']), /does not exist/);
    });
  });

  describe('transactions', () => {
    it('a failing call changes nothing (method, nested create, constraint, sequence)', () => {
      const id = x(db, 'x.item', 'create', [{ name: 't' }]) as number;
      const before = JSON.stringify(db.dump());
      assert.throws(() => x(db, 'x.item', 'action_fail_after_write', [[id]]), (e: unknown) => e instanceof ValidationError && e.message === 'boom');
      assert.throws(() => x(db, 'x.item', 'create', [[{ name: 'ok' }, { name: 'bad', qty: -5 }]]), ValidationError);
      assert.throws(() => x(db, 'x.item', 'create', [{ name: 'lines', line_ids: [[0, 0, { name: 'x' }], [0, 0, { bogus: 1 }]] }]), PythonError);
      assert.throws(() => x(db, 'x.item', 'write', [[id], { line_ids: [[0, 0, { amount: 1 }]], qty: -1 }]), ValidationError);
      assert.strictEqual(JSON.stringify(db.dump()), before);
      // and the database still works, with the sequence not consumed
      const next = x(db, 'x.item', 'create', [{ name: 'after' }]) as number;
      assert.match((x(db, 'x.item', 'read', [[next], ['ref']]) as Rec[])[0].ref as string, /0002$/);
    });

    it('write_date is the transaction time, one per call', () => {
      const ids = x(db, 'x.item', 'create', [[{ name: 'a' }, { name: 'b', line_ids: [[0, 0, { amount: 1 }]] }]]) as number[];
      const rows = x(db, 'x.item', 'read', [ids, ['write_date', 'create_date']]) as Rec[];
      assert.strictEqual(new Set(rows.flatMap((r) => [r.write_date, r.create_date])).size, 1);
    });

    it('dump() and createDatabase({data}) round-trip, credentials included', () => {
      const id = x(db, 'x.item', 'create', [{ name: 'persist', tag_ids: [[0, 0, { name: 't' }]] }]) as number;
      const dump = JSON.parse(JSON.stringify(db.dump()));
      const db2 = createDatabase({ version: 19, data: dump, modules: [registerModels, registerTestModels] });
      assert.deepStrictEqual(x(db2, 'x.item', 'read', [[id], ['name', 'tag_ids']]), x(db, 'x.item', 'read', [[id], ['name', 'tag_ids']]));
      assert.deepStrictEqual(db2.users(), db.users());
      const next = x(db2, 'x.item', 'create', [{ name: 'n' }]) as number;
      assert.ok(next > id);
      assert.ok((x(db2, 'ir.model', 'search_count', [[['model', '=', 'x.item']]]) as number) === 1);
      assert.throws(() => createDatabase({ version: 17, data: dump, modules: [registerModels, registerTestModels] }), /saved by an Odoo 19 sandbox/);
    });
  });

  describe('versions and metadata', () => {
    it('version-dependent field names and fields', () => {
      const fields = (v: 17 | 18 | 19, model: string) => Object.keys(x(makeDb(v), model, 'fields_get', [], { attributes: ['type'] }) as Rec);
      assert.ok(fields(19, 'x.item').includes('new_name') && !fields(19, 'x.item').includes('old_name'));
      assert.ok(fields(18, 'x.item').includes('old_name') && !fields(18, 'x.item').includes('new_name'));
      assert.ok(fields(17, 'x.item').includes('only17') && !fields(18, 'x.item').includes('only17'));
      assert.ok(fields(18, 'res.partner').includes('mobile') && !fields(19, 'res.partner').includes('mobile'));
      assert.ok(fields(18, 'res.users').includes('groups_id') && fields(19, 'res.users').includes('group_ids'));
      assert.deepStrictEqual((x(makeDb(19), 'x.item', 'fields_get', [['state']], { attributes: ['selection'] }) as Rec).state, { selection: [['draft', 'Draft'], ['done', 'Done'], ['new19', 'New in 19']] });
      assert.strictEqual(db.env().fieldName('x.item', 'old_name'), 'new_name');
      assert.throws(() => x(makeDb(18), 'x.item', 'create', [{ name: 'a', new_name: 'x' }]), /Invalid field 'new_name'/);
    });

    it('fields_get attributes as Odoo names them', () => {
      const fg = x(db, 'x.item', 'fields_get', []) as Record<string, Rec>;
      assert.deepStrictEqual(
        { type: fg.partner_id.type, string: fg.partner_id.string, relation: fg.partner_id.relation, required: fg.partner_id.required, readonly: fg.partner_id.readonly, store: fg.partner_id.store, searchable: fg.partner_id.searchable, sortable: fg.partner_id.sortable, groupable: fg.partner_id.groupable },
        { type: 'many2one', string: 'Customer', relation: 'res.partner', required: false, readonly: false, store: true, searchable: true, sortable: true, groupable: true },
      );
      assert.strictEqual(fg.name.required, true);
      assert.strictEqual(fg.line_ids.relation_field, 'item_id');
      assert.strictEqual(fg.line_count.store, false);
      assert.strictEqual(fg.line_count.readonly, true);
      assert.strictEqual(fg.qty.aggregator, 'sum');
      assert.strictEqual((x(makeDb(17), 'x.item', 'fields_get', [['qty']]) as Record<string, Rec>).qty.group_operator, 'sum');
      assert.strictEqual(fg.create_date.type, 'datetime');
      assert.strictEqual(fg.display_name.type, 'char');
      assert.deepStrictEqual(x(db, 'x.item', 'fields_get', [['name', 'qty']], { attributes: ['string', 'type'] }), { name: { string: 'Name', type: 'char' }, qty: { string: 'Qty', type: 'integer' } });
    });

    it('ir.model and ir.model.fields describe the registry', () => {
      const [m] = x(db, 'ir.model', 'search_read', [[['model', '=', 'res.partner']], ['name', 'model']]) as Rec[];
      assert.deepStrictEqual([m.name, m.model], ['Contact', 'res.partner']);
      const f = x(db, 'ir.model.fields', 'search_read', [[['model', '=', 'res.partner'], ['name', '=', 'country_id']], ['ttype', 'relation', 'field_description', 'model_id']]) as Rec[];
      assert.deepStrictEqual([f[0].ttype, f[0].relation, f[0].field_description, (f[0].model_id as unknown[])[0]], ['many2one', 'res.country', 'Country', m.id]);
      assert.ok((x(db, 'ir.model', 'search_count', [[]], {}, INTEGRATION) as number) > 10);
    });

    it('res.users context_get gives the uid', () => {
      assert.deepStrictEqual((x(db, 'res.users', 'context_get', [], {}, INTEGRATION) as Rec).uid, INTEGRATION);
    });
  });
});
