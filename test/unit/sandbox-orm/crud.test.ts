import assert from 'assert';
import { MissingError, PythonError, ValidationError } from '../../../sandbox/odoo/exceptions';
import type { SandboxDb } from '../../../sandbox/odoo/database';
import { ADMIN, INTEGRATION, makeDb, x } from './fixtures';

type Rec = Record<string, unknown>;

describe('sandbox ORM: CRUD, commands and read shapes', () => {
  let db: SandboxDb;
  beforeEach(() => {
    db = makeDb(19);
  });

  it('create: one dict gives an int, a list gives a list of ids (XML-RPC); create_date/write_date set', () => {
    const id = x(db, 'x.item', 'create', [{ name: 'one' }]);
    assert.strictEqual(typeof id, 'number');
    const many = x(db, 'x.item', 'create', [[{ name: 'a' }, { name: 'b' }]]);
    assert.ok(Array.isArray(many) && many.length === 2 && many.every((n) => typeof n === 'number'));
    const [r] = x(db, 'x.item', 'read', [[id], ['create_date', 'write_date', 'create_uid', 'write_uid']]) as Rec[];
    assert.match(r.create_date as string, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.strictEqual(r.create_date, r.write_date);
    assert.deepStrictEqual(r.create_uid, [ADMIN, 'Mitchell Admin']);
    // JSON-2: create always returns the ids list
    assert.deepStrictEqual(db.executeNamed(ADMIN, 'x.item', 'create', undefined, { vals_list: { name: 'j' } }, undefined), [(id as number) + 3]);
  });

  it('read shapes: many2one [id, name] or id with load=None, x2many ids, empty values False / 0', () => {
    const env = db.env();
    const p = env.model('res.partner').create({ name: 'Acme', is_company: true });
    const tag = env.model('x.tag').create({ name: 'red' });
    const id = env.model('x.item').create({ name: 'it', partner_id: p, tag_ids: [[4, tag]], line_ids: [[0, 0, { amount: 2 }]] });
    const [r] = x(db, 'x.item', 'read', [[id]], { fields: ['partner_id', 'tag_ids', 'line_ids', 'code', 'qty', 'price', 'flag', 'date', 'dt', 'parent_id', 'state', 'display_name'] }) as Rec[];
    assert.deepStrictEqual(r.partner_id, [p, 'Acme']);
    assert.deepStrictEqual(r.tag_ids, [tag]);
    assert.strictEqual((r.line_ids as number[]).length, 1);
    assert.strictEqual(r.code, false);
    assert.strictEqual(r.qty, 0);
    assert.strictEqual(r.price, 0);
    assert.strictEqual(r.flag, false);
    assert.strictEqual(r.date, false);
    assert.strictEqual(r.dt, false);
    assert.strictEqual(r.parent_id, false);
    assert.strictEqual(r.state, 'draft');
    assert.strictEqual(r.display_name, 'it');
    assert.deepStrictEqual(Object.keys(r)[0], 'id');
    const [bare] = x(db, 'x.item', 'read', [[id], ['partner_id']], { load: null }) as Rec[];
    assert.strictEqual(bare.partner_id, p);
    const [viaSr] = x(db, 'x.item', 'search_read', [[['id', '=', id]], ['partner_id']], { load: '' }) as Rec[];
    assert.strictEqual(viaSr.partner_id, p);
    // no fields: every field the user may read (field groups respected)
    const [all] = x(db, 'x.item', 'read', [[id]], {}, INTEGRATION) as Rec[];
    assert.ok('name' in all && 'create_date' in all && 'total' in all);
    assert.ok(!('secret' in all));
  });

  it('datetimes are normalised to "YYYY-MM-DD HH:MM:SS" UTC; bad dates are ValueErrors', () => {
    const id = x(db, 'x.item', 'create', [{ name: 'd', dt: '2024-03-01T12:30:00Z', date: '2024-03-02' }]) as number;
    const [r] = x(db, 'x.item', 'read', [[id], ['dt', 'date']]) as Rec[];
    assert.strictEqual(r.dt, '2024-03-01 12:30:00');
    assert.strictEqual(r.date, '2024-03-02');
    assert.throws(() => x(db, 'x.item', 'create', [{ name: 'd', date: '02/03/2024' }]), (e: unknown) => e instanceof PythonError && e.excType === 'ValueError');
  });

  it('write returns True, updates write_date/write_uid; unlink returns True', () => {
    const id = x(db, 'x.item', 'create', [{ name: 'w' }]) as number;
    assert.strictEqual(x(db, 'x.item', 'write', [[id], { name: 'w2', qty: 4 }], {}, INTEGRATION), true);
    const [r] = x(db, 'x.item', 'read', [[id], ['name', 'qty', 'write_uid']]) as Rec[];
    assert.deepStrictEqual([r.name, r.qty, (r.write_uid as unknown[])[0]], ['w2', 4, INTEGRATION]);
    assert.strictEqual(x(db, 'x.item', 'write', [id, { qty: 5 }]), true); // a single id works too
    assert.strictEqual(x(db, 'x.item', 'unlink', [[id]]), true);
    assert.deepStrictEqual(x(db, 'x.item', 'search', [[['id', '=', id]]]), []);
  });

  it('MissingError for ids that do not exist (read, write, unlink, methods)', () => {
    const re = /^Record does not exist or has been deleted\.\n\(Record: x\.item\(999,\), User: 2\)$/;
    for (const [method, args] of [['read', [[999]]], ['write', [[999], { name: 'x' }]], ['unlink', [[999]]], ['action_done', [[999]]]] as const) {
      assert.throws(() => x(db, 'x.item', method, args as unknown as unknown[]), (e: unknown) => e instanceof MissingError && re.test(e.message), method);
    }
  });

  it('unknown fields in vals or read are ValueErrors; wrong selection values too', () => {
    assert.throws(() => x(db, 'x.item', 'create', [{ name: 'a', nope: 1 }]), (e: unknown) => e instanceof PythonError && e.message === "Invalid field 'nope' on model 'x.item'");
    const id = x(db, 'x.item', 'create', [{ name: 'a' }]) as number;
    assert.throws(() => x(db, 'x.item', 'write', [[id], { nope: 1 }]), /Invalid field 'nope' on model 'x.item'/);
    assert.throws(() => x(db, 'x.item', 'read', [[id], ['nope']]), /Invalid field 'nope' on model 'x.item'/);
    assert.throws(() => x(db, 'x.item', 'create', [{ name: 'a', state: 'bogus' }]), (e: unknown) => e instanceof PythonError && e.excType === 'ValueError' && e.message === "Wrong value for x.item.state: 'bogus'");
  });

  it('required fields: ValidationError with the version\'s text', () => {
    assert.throws(() => x(db, 'x.item', 'create', [{ code: 'no name' }]), (e: unknown) => e instanceof ValidationError && e.message === "Missing required value for the field 'Name' (name)");
    const db17 = makeDb(17);
    assert.throws(() => x(db17, 'x.item', 'create', [{ code: 'no name' }]), (e: unknown) => e instanceof ValidationError && e.message ===
      'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Test Item (x.item)\nField: Name (name)\n');
    const id = x(db, 'x.item', 'create', [{ name: 'n' }]) as number;
    assert.throws(() => x(db, 'x.item', 'write', [[id], { name: false }]), ValidationError);
  });

  it('defaults, context default_* keys, default_get and sequences', () => {
    const id = x(db, 'x.item', 'create', [{ name: 'seq' }], { context: { default_code: 'from-ctx' } }) as number;
    const [r] = x(db, 'x.item', 'read', [[id], ['state', 'sequence', 'code', 'ref', 'active']]) as Rec[];
    assert.deepStrictEqual([r.state, r.sequence, r.code, r.active], ['draft', 10, 'from-ctx', true]);
    assert.match(r.ref as string, /^IT\/\d{4}\/0001$/);
    const id2 = x(db, 'x.item', 'create', [{ name: 'seq2' }]) as number;
    assert.match((x(db, 'x.item', 'read', [[id2], ['ref']]) as Rec[])[0].ref as string, /\/0002$/);
    const explicit = x(db, 'x.item', 'create', [{ name: 'seq3', ref: 'MINE' }]) as number;
    assert.strictEqual((x(db, 'x.item', 'read', [[explicit], ['ref']]) as Rec[])[0].ref, 'MINE');
    assert.deepStrictEqual(x(db, 'x.item', 'default_get', [['state', 'sequence', 'name', 'active']]), { state: 'draft', sequence: 10, active: true });
    assert.deepStrictEqual(x(db, 'x.item', 'default_get', [['code']], { context: { default_code: 'c' } }), { code: 'c' });
  });

  it('one2many commands 0..6 on create and write', () => {
    const id = x(db, 'x.item', 'create', [{ name: 'o', line_ids: [[0, 0, { name: 'a', amount: 1 }], [0, 0, { name: 'b', amount: 2 }]] }]) as number;
    const lines = () => (x(db, 'x.item', 'read', [[id], ['line_ids']]) as Rec[])[0].line_ids as number[];
    const [a, b] = lines();
    x(db, 'x.item', 'write', [[id], { line_ids: [[1, a, { amount: 5 }]] }]);
    assert.strictEqual((x(db, 'x.line', 'read', [[a], ['amount']]) as Rec[])[0].amount, 5);
    x(db, 'x.item', 'write', [[id], { line_ids: [[2, b, 0]] }]);
    assert.deepStrictEqual(lines(), [a]);
    assert.deepStrictEqual(x(db, 'x.line', 'search', [[['id', '=', b]]]), []);
    // 3 on a one2many whose inverse is required/cascade deletes the line (Odoo's behaviour)
    x(db, 'x.item', 'write', [[id], { line_ids: [[3, a, 0]] }]);
    assert.deepStrictEqual(lines(), []);
    const other = x(db, 'x.item', 'create', [{ name: 'other', line_ids: [[0, 0, { name: 'c' }]] }]) as number;
    const c = ((x(db, 'x.item', 'read', [[other], ['line_ids']]) as Rec[])[0].line_ids as number[])[0];
    x(db, 'x.item', 'write', [[id], { line_ids: [[4, c, 0]] }]);
    assert.deepStrictEqual(lines(), [c]);
    x(db, 'x.item', 'write', [[id], { line_ids: [[5, 0, 0], [0, 0, { name: 'd' }]] }]);
    assert.strictEqual(lines().length, 1);
    const d = lines()[0];
    const e = x(db, 'x.line', 'create', [{ name: 'e', item_id: other }]) as number;
    x(db, 'x.item', 'write', [[id], { line_ids: [[6, 0, [e]]] }]);
    assert.deepStrictEqual(lines(), [e]);
    assert.deepStrictEqual(x(db, 'x.line', 'search', [[['id', '=', d]]]), []);
  });

  it('many2many commands and plain id lists', () => {
    const env = db.env();
    const [t1, t2, t3] = ['a', 'b', 'c'].map((n) => env.model('x.tag').create({ name: n }));
    const id = x(db, 'x.item', 'create', [{ name: 'm', tag_ids: [[6, 0, [t1, t2]]] }]) as number;
    const tags = () => (x(db, 'x.item', 'read', [[id], ['tag_ids']]) as Rec[])[0].tag_ids as number[];
    assert.deepStrictEqual(tags(), [t1, t2]);
    x(db, 'x.item', 'write', [[id], { tag_ids: [[3, t1, 0], [4, t3, 0]] }]);
    assert.deepStrictEqual(tags(), [t2, t3]);
    x(db, 'x.item', 'write', [[id], { tag_ids: [[0, 0, { name: 'new' }]] }]);
    assert.strictEqual(tags().length, 3);
    x(db, 'x.item', 'write', [[id], { tag_ids: [[5, 0, 0]] }]);
    assert.deepStrictEqual(tags(), []);
    x(db, 'x.item', 'write', [[id], { tag_ids: [t3] }]);
    assert.deepStrictEqual(tags(), [t3]);
    x(db, 'x.item', 'write', [[id], { tag_ids: [[2, t3, 0]] }]);
    assert.deepStrictEqual(tags(), []);
    assert.deepStrictEqual(x(db, 'x.tag', 'search', [[['id', '=', t3]]]), []);
    assert.throws(() => x(db, 'x.item', 'write', [[id], { tag_ids: [[4, 9999, 0]] }]), ValidationError);
  });

  it('stored computes follow their dependencies; non-stored computes and related fields read live', () => {
    const id = x(db, 'x.item', 'create', [{ name: 'c', qty: 3, line_ids: [[0, 0, { amount: 1.5 }], [0, 0, { amount: 2 }]] }]) as number;
    const read = () => (x(db, 'x.item', 'read', [[id], ['total', 'line_count', 'double_qty', 'write_date']]) as Rec[])[0];
    assert.deepStrictEqual([read().total, read().line_count, read().double_qty], [3.5, 2, 6]);
    const line = x(db, 'x.line', 'create', [{ item_id: id, amount: 10 }]) as number;
    assert.strictEqual(read().total, 13.5);
    x(db, 'x.line', 'write', [[line], { amount: 1 }]);
    assert.strictEqual(read().total, 4.5);
    x(db, 'x.line', 'unlink', [[line]]);
    assert.strictEqual(read().total, 3.5);
    const us = db.env().ref('base.us');
    const p = x(db, 'res.partner', 'create', [{ name: 'P', country_id: us }]) as number;
    x(db, 'x.item', 'write', [[id], { partner_id: p }]);
    assert.strictEqual((x(db, 'x.item', 'read', [[id], ['partner_country_code']]) as Rec[])[0].partner_country_code, 'US');
    // res.partner display name / complete name follow the parent
    const child = x(db, 'res.partner', 'create', [{ name: 'Kid', parent_id: p }]) as number;
    x(db, 'res.partner', 'write', [[p], { name: 'Parent Co' }]);
    assert.deepStrictEqual(x(db, 'res.partner', 'read', [[child], ['display_name', 'complete_name']]), [{ id: child, display_name: 'Parent Co, Kid', complete_name: 'Parent Co, Kid' }]);
  });

  it('related fields write through; _inherits creates the parent record (res.users -> res.partner)', () => {
    const id = x(db, 'x.item', 'create', [{ name: 'r', partner_id: x(db, 'res.partner', 'create', [{ name: 'Q' }]) }]) as number;
    const uid = x(db, 'res.users', 'create', [{ login: 'bob', name: 'Bob', email: 'bob@example.com' }]) as number;
    const [u] = x(db, 'res.users', 'read', [[uid], ['name', 'email', 'partner_id']]) as Rec[];
    assert.strictEqual(u.name, 'Bob');
    assert.strictEqual((x(db, 'res.partner', 'read', [[(u.partner_id as [number])[0]], ['email']]) as Rec[])[0].email, 'bob@example.com');
    x(db, 'res.users', 'write', [[uid], { name: 'Robert' }]);
    assert.strictEqual((x(db, 'res.partner', 'read', [[(u.partner_id as [number])[0]], ['name']]) as Rec[])[0].name, 'Robert');
    assert.throws(() => x(db, 'res.users', 'create', [{ login: 'bob', name: 'Other' }]), /same login/);
    void id;
  });

  it('unlink: cascade, set null and restrict (foreign keys)', () => {
    const parent = x(db, 'x.item', 'create', [{ name: 'p', line_ids: [[0, 0, { name: 'l' }]] }]) as number;
    const child = x(db, 'x.item', 'create', [{ name: 'c', parent_id: parent }]) as number;
    const line = ((x(db, 'x.item', 'read', [[parent], ['line_ids']]) as Rec[])[0].line_ids as number[])[0];
    x(db, 'x.item', 'unlink', [[parent]]);
    assert.deepStrictEqual(x(db, 'x.line', 'search', [[['id', '=', line]]]), []);
    assert.strictEqual((x(db, 'x.item', 'read', [[child], ['parent_id']]) as Rec[])[0].parent_id, false);
    // res.partner.country_id is ondelete restrict
    const country = x(db, 'res.country', 'create', [{ name: 'Nowhere', code: 'NW' }]) as number;
    x(db, 'res.partner', 'create', [{ name: 'Here', country_id: country }]);
    assert.throws(() => x(db, 'res.country', 'unlink', [[country]]), (e: unknown) => e instanceof ValidationError && /another model requires the record being deleted[\s\S]*Model: Contact \(res\.partner\)/.test(e.message));
    assert.throws(() => x(db, 'x.item', 'create', [{ name: 'fk', partner_id: 99999 }]), /The operation cannot be completed/);
  });

  it('constraints and unique keys raise ValidationError', () => {
    assert.throws(() => x(db, 'x.item', 'create', [{ name: 'neg', qty: -1 }]), (e: unknown) => e instanceof ValidationError && e.message === 'Quantity must be positive');
    assert.throws(() => x(db, 'res.country', 'create', [{ name: 'Dup', code: 'US' }]), /The code of the country must be unique/);
    assert.throws(() => x(db, 'res.partner', 'create', [{ email: 'nameless@x' }]), /Contacts require a name/);
  });

  it('search_read, search_count, name_search, name_create, copy, exists, archive', () => {
    const env = db.env();
    const ids = ['Apple', 'Apricot', 'Banana'].map((n, i) => env.model('x.item').create({ name: n, sequence: i }));
    assert.deepStrictEqual(x(db, 'x.item', 'name_search', ['Ap']), [[ids[0], 'Apple'], [ids[1], 'Apricot']]);
    assert.deepStrictEqual(x(db, 'x.item', 'name_search', ['ap', [['name', '!=', 'Apple']]]), [[ids[1], 'Apricot']]);
    assert.deepStrictEqual(x(db, 'x.item', 'name_search', [], { name: 'an', operator: 'ilike', limit: 1 }), [[ids[2], 'Banana']]);
    assert.deepStrictEqual(x(db, 'x.item', 'name_search', ['', [], 'ilike', 2]), [[ids[0], 'Apple'], [ids[1], 'Apricot']]);
    const created = x(db, 'x.tag', 'name_create', ['green']) as [number, string];
    assert.strictEqual(created[1], 'green');
    const copyIds = x(db, 'x.item', 'copy', [[ids[0]]]) as number[];
    assert.strictEqual((x(db, 'x.item', 'read', [copyIds, ['name']]) as Rec[])[0].name, 'Apple');
    const db18 = makeDb(18);
    const i18 = x(db18, 'x.item', 'create', [{ name: 'x' }]) as number;
    assert.strictEqual(typeof x(db18, 'x.item', 'copy', [[i18]]), 'number');
    assert.deepStrictEqual(x(db, 'x.item', 'exists', [[ids[0], 9999]]), [ids[0]]);
    assert.strictEqual(x(db, 'x.item', 'action_archive', [[ids[2]]]), true);
    assert.strictEqual(x(db, 'x.item', 'search_count', [[['name', '=', 'Banana']]]), 0);
    x(db, 'x.item', 'action_unarchive', [[ids[2]]]);
    assert.strictEqual(x(db, 'x.item', 'search_count', [[['name', '=', 'Banana']]]), 1);
    // partners are also found by email / ref / vat
    const p = x(db, 'res.partner', 'create', [{ name: 'Zed', email: 'zed@corp.example', ref: 'C042' }]) as number;
    assert.deepStrictEqual((x(db, 'res.partner', 'name_search', ['C042']) as Array<[number]>).map((r) => r[0]), [p]);
    assert.deepStrictEqual((x(db, 'res.partner', 'name_search', ['zed@corp']) as Array<[number]>).map((r) => r[0]), [p]);
  });

  it('read_group (lazy and not) and 19\'s formatted_read_group', () => {
    const env = db.env();
    const p1 = env.model('res.partner').create({ name: 'A' });
    const p2 = env.model('res.partner').create({ name: 'B' });
    const mk = (partner: number, qty: number, date: string, state = 'draft') => env.model('x.item').create({ name: 'g', partner_id: partner, qty, date, state });
    mk(p1, 1, '2024-01-10'); mk(p1, 2, '2024-01-20', 'done'); mk(p2, 4, '2024-02-01');
    const lazy = x(db, 'x.item', 'read_group', [[], ['qty:sum'], ['partner_id', 'state']]) as Rec[];
    assert.deepStrictEqual(lazy.map((g) => [g.partner_id, g.partner_id_count, g.qty]), [[[p1, 'A'], 2, 3], [[p2, 'B'], 1, 4]]);
    assert.deepStrictEqual(lazy[0].__context, { group_by: ['state'] });
    assert.deepStrictEqual(lazy[0].__domain, [['partner_id', '=', p1]]);
    const full = x(db, 'x.item', 'read_group', [[['qty', '>', 0]], ['qty'], ['partner_id', 'state']], { lazy: false }) as Rec[];
    assert.deepStrictEqual(full.map((g) => [(g.partner_id as unknown[])[0], g.state, g.__count, g.qty]), [[p1, 'draft', 1, 1], [p1, 'done', 1, 2], [p2, 'draft', 1, 4]].sort((a, b) => (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1]))).sort((a, b) => (a[0] as number) - (b[0] as number)));
    assert.deepStrictEqual(full[0].__domain, ['&', '&', ['partner_id', '=', p1], ['state', '=', full[0].state], ['qty', '>', 0]]);
    const byMonth = x(db, 'x.item', 'read_group', [[], ['qty:sum'], ['date:month']]) as Rec[];
    assert.deepStrictEqual(byMonth.map((g) => [g['date:month'], g.date_count, g.qty]), [['January 2024', 2, 3], ['February 2024', 1, 4]]);
    const f = x(db, 'x.item', 'formatted_read_group', [[]], { groupby: ['partner_id'], aggregates: ['qty:sum', '__count'] }) as Rec[];
    assert.deepStrictEqual(f.map((g) => [g.partner_id, g['qty:sum'], g.__count, g.__extra_domain]), [[[p1, 'A'], 3, 2, [['partner_id', '=', p1]]], [[p2, 'B'], 4, 1, [['partner_id', '=', p2]]]]);
    assert.throws(() => x(makeDb(18), 'x.item', 'formatted_read_group', [[]]), /The method 'x.item.formatted_read_group' does not exist/);
  });

  it('limit 0 / False / None mean no limit, as in Odoo', () => {
    x(db, 'x.item', 'create', [[{ name: 'a' }, { name: 'b' }]]);
    for (const limit of [0, false, null]) assert.strictEqual((x(db, 'x.item', 'search', [[]], { limit }) as number[]).length, 2);
    assert.strictEqual((x(db, 'x.item', 'search_read', [[], ['name']], { limit: 0 }) as unknown[]).length, 2);
  });

  it('a rolled-back unlink keeps the default id order', () => {
    const ids = x(db, 'x.item', 'create', [[{ name: 'a' }, { name: 'b' }, { name: 'c' }]]) as number[];
    assert.throws(() => db.transaction(() => {
      db.env().model('x.item').unlink([ids[0]]);
      throw new Error('abort');
    }), /abort/);
    assert.deepStrictEqual(x(db, 'x.item', 'search', [[]], { order: 'id' }), ids);
    assert.deepStrictEqual(x(db, 'x.item', 'search', [[]], { order: 'id desc' }), ids.slice().reverse());
  });

  it('many2many values read in the comodel order', () => {
    const env = db.env();
    const [z, a] = ['zz', 'aa'].map((n) => env.model('x.tag').create({ name: n }));
    const id = x(db, 'x.item', 'create', [{ name: 'm', tag_ids: [[6, 0, [z, a]]] }]) as number;
    assert.deepStrictEqual((x(db, 'x.item', 'read', [[id], ['tag_ids']]) as Rec[])[0].tag_ids, [a, z]);
  });

  it('recomputed stored fields bump write_date/write_uid of their record', () => {
    const id = db.transaction(() => db.env().model('x.item').create({ name: 'w' }));
    x(db, 'x.line', 'create', [{ item_id: id, amount: 3 }], {}, INTEGRATION);
    const [r] = x(db, 'x.item', 'read', [[id], ['total', 'write_uid']], { load: null }) as Rec[];
    assert.deepStrictEqual([r.total, r.write_uid], [3, INTEGRATION]);
  });
});
