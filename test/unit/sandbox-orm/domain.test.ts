import assert from 'assert';
import { PythonError } from '../../../sandbox/odoo/exceptions';
import type { SandboxDb } from '../../../sandbox/odoo/database';
import { likeRegex } from '../../../sandbox/odoo/orm/domain';
import { makeDb, x } from './fixtures';

describe('sandbox ORM: domain engine', () => {
  let db: SandboxDb;
  const ids: Record<string, number> = {};
  let acme: number;
  let john: number;
  let red: number;
  let blue: number;

  const names = (domain: unknown[], context: Record<string, unknown> = {}, model = 'x.item'): string[] =>
    (x(db, model, 'search_read', [domain], { fields: ['name'], context }) as Array<{ name: string }>).map((r) => r.name).sort();

  const valueError = (domain: unknown[], re: RegExp) =>
    assert.throws(() => x(db, 'x.item', 'search', [domain]), (e: unknown) => e instanceof PythonError && e.excType === 'ValueError' && re.test(e.message));

  before(() => {
    db = makeDb(19);
    const env = db.env();
    const us = env.ref('base.us') as number;
    acme = env.model('res.partner').create({ name: 'Acme Corp', is_company: true, country_id: us });
    john = env.model('res.partner').create({ name: 'John', parent_id: acme });
    red = env.model('x.tag').create({ name: 'red' });
    blue = env.model('x.tag').create({ name: 'blue' });
    const items = env.model('x.item');
    ids.A = items.create({
      name: 'Alpha', code: 'a_1', qty: 5, price: 1.5, flag: true, date: '2024-01-15', dt: '2024-01-15 10:00:00',
      partner_id: acme, tag_ids: [[6, 0, [red]]], line_ids: [[0, 0, { name: 'l1', amount: 10 }], [0, 0, { name: 'l2', amount: 20 }]],
    });
    ids.B = items.create({ name: 'beta', code: 'b%2', qty: 0, flag: false, state: 'done', tag_ids: [[6, 0, [red, blue]]], parent_id: ids.A });
    ids.C = items.create({ name: 'Gamma ALPHA', dt: '2024-02-01 00:00:00', partner_id: john, parent_id: ids.B });
    ids.D = items.create({ name: 'Delta', active: false, qty: 7 });
    ids.E = items.create({ name: 'Épsilon', qty: 3, sequence: 1 });
  });

  it('[] matches all active records; TRUE and FALSE leaves', () => {
    assert.deepStrictEqual(names([]), ['Alpha', 'Gamma ALPHA', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([[1, '=', 1]]), names([]));
    assert.deepStrictEqual(names([[0, '=', 1]]), []);
  });

  it('= and != with values and False ("not set")', () => {
    assert.deepStrictEqual(names([['name', '=', 'Alpha']]), ['Alpha']);
    assert.deepStrictEqual(names([['name', '=', 'alpha']]), []);
    assert.deepStrictEqual(names([['code', '=', false]]), ['Gamma ALPHA', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['code', '!=', false]]), ['Alpha', 'beta']);
    // != value includes records where the field is not set (SQL "f != v OR f IS NULL")
    assert.deepStrictEqual(names([['code', '!=', 'a_1']]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['code', '<>', 'a_1']]), names([['code', '!=', 'a_1']]));
    // integer 0 is a value, unset is NULL
    assert.deepStrictEqual(names([['qty', '=', 0]]), ['beta']);
    assert.deepStrictEqual(names([['qty', '=', false]]), ['Gamma ALPHA']);
    // boolean False matches false and unset
    assert.deepStrictEqual(names([['flag', '=', false]]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['flag', '=', true]]), ['Alpha']);
    assert.deepStrictEqual(names([['flag', '!=', true]]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
  });

  it('comparisons <, >, <=, >= skip unset values; dates compare as dates', () => {
    assert.deepStrictEqual(names([['qty', '>', 0]]), ['Alpha', 'Épsilon']);
    assert.deepStrictEqual(names([['qty', '>=', 0]]), ['Alpha', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['qty', '<', 5]]), ['beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['qty', '<=', 5]]), ['Alpha', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['date', '<', '2024-02-01']]), ['Alpha']);
    // a date-only value on a datetime field means midnight
    assert.deepStrictEqual(names([['dt', '>=', '2024-02-01']]), ['Gamma ALPHA']);
    assert.deepStrictEqual(names([['dt', '>', '2024-02-01']]), []);
    assert.deepStrictEqual(names([['dt', '<', '2024-01-15T10:00:01']]), ['Alpha']);
    assert.deepStrictEqual(names([['qty', '<', false]]), []);
  });

  it('=? is TRUE for False/None and = otherwise', () => {
    assert.deepStrictEqual(names([['code', '=?', false]]), names([]));
    assert.deepStrictEqual(names([['code', '=?', null]]), names([]));
    assert.deepStrictEqual(names([['code', '=?', 'a_1']]), ['Alpha']);
  });

  it('like/ilike wrap the value in %...% ; =like/=ilike use it as the pattern', () => {
    assert.deepStrictEqual(names([['name', 'like', 'lph']]), ['Alpha']);
    assert.deepStrictEqual(names([['name', 'like', 'ALPHA']]), ['Gamma ALPHA']);
    assert.deepStrictEqual(names([['name', 'ilike', 'alpha']]), ['Alpha', 'Gamma ALPHA']);
    assert.deepStrictEqual(names([['name', 'ilike', 'ÉPS']]), ['Épsilon']);
    assert.deepStrictEqual(names([['name', '=like', 'Alpha']]), ['Alpha']);
    assert.deepStrictEqual(names([['name', '=like', 'lph']]), []);
    assert.deepStrictEqual(names([['name', '=like', '%lph%']]), ['Alpha']);
    assert.deepStrictEqual(names([['name', '=ilike', 'alpha']]), ['Alpha']);
    assert.deepStrictEqual(names([['name', '=ilike', '%ALPHA']]), ['Alpha', 'Gamma ALPHA']);
    assert.deepStrictEqual(names([['name', '=like', 'Alph_']]), ['Alpha']);
    // _ and % are SQL wildcards, backslash escapes them
    assert.deepStrictEqual(names([['code', 'like', '_']]), ['Alpha', 'beta']);
    assert.deepStrictEqual(names([['code', 'like', '\\_']]), ['Alpha']);
    assert.deepStrictEqual(names([['code', '=like', 'b\\%2']]), ['beta']);
    assert.deepStrictEqual(names([['code', '=like', 'b%']]), ['beta']);
    // empty like matches everything, even unset values
    assert.deepStrictEqual(names([['code', 'ilike', '']]), names([]));
    assert.deepStrictEqual(names([['code', 'not ilike', '']]), []);
  });

  it('negative like operators also match unset values', () => {
    assert.deepStrictEqual(names([['code', 'not like', 'a']]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['name', 'not ilike', 'ALPHA']]), ['beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['name', 'not =like', 'Alpha']]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['name', 'not =ilike', 'alpha']]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
  });

  it('in / not in with lists, single values and False', () => {
    assert.deepStrictEqual(names([['qty', 'in', [0, 5]]]), ['Alpha', 'beta']);
    assert.deepStrictEqual(names([['qty', 'in', []]]), []);
    assert.deepStrictEqual(names([['qty', 'not in', []]]), names([]));
    assert.deepStrictEqual(names([['qty', 'in', [5, false]]]), ['Alpha', 'Gamma ALPHA']);
    assert.deepStrictEqual(names([['qty', 'not in', [5]]]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['qty', 'not in', [5, false]]]), ['beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['state', 'in', 'done']]), ['beta']);
    assert.deepStrictEqual(names([['id', 'in', [ids.A, ids.D]]]), ['Alpha']);
  });

  it('active_test: archived records only with active_test False or a domain on active', () => {
    assert.deepStrictEqual(names([['name', '=', 'Delta']]), []);
    assert.deepStrictEqual(names([['name', '=', 'Delta']], { active_test: false }), ['Delta']);
    assert.deepStrictEqual(names([['active', '=', false]]), ['Delta']);
    assert.deepStrictEqual(names([['active', 'in', [true, false]]]).length, 5);
    // reading an archived record by id works
    assert.strictEqual((x(db, 'x.item', 'read', [[ids.D], ['name']]) as Array<{ name: string }>)[0].name, 'Delta');
  });

  it('prefix operators &, |, ! and implicit AND normalisation', () => {
    assert.deepStrictEqual(names(['|', ['name', '=', 'Alpha'], ['name', '=', 'beta']]), ['Alpha', 'beta']);
    assert.deepStrictEqual(names(['!', ['name', '=', 'Alpha']]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
    // ['|', A, B, C] = (A or B) and C
    assert.deepStrictEqual(names(['|', ['name', '=', 'Alpha'], ['name', '=', 'beta'], ['qty', '=', 0]]), ['beta']);
    assert.deepStrictEqual(names([['qty', '>', 0], '|', ['name', '=', 'Alpha'], ['name', '=', 'Épsilon']]), ['Alpha', 'Épsilon']);
    assert.deepStrictEqual(names(['&', '!', ['qty', '=', 5], ['qty', '!=', false]]), ['beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names(['!', '|', ['qty', '=', 5], ['qty', '=', 0]]), ['Gamma ALPHA', 'Épsilon'].sort());
    // tuples given as lists of any length-3 shape, operators case-insensitive
    assert.deepStrictEqual(names([['name', 'ILIKE', 'beta']]), ['beta']);
  });

  it('many2one: ids, names, False, dotted paths (join)', () => {
    assert.deepStrictEqual(names([['partner_id', '=', acme]]), ['Alpha']);
    assert.deepStrictEqual(names([['partner_id', '=', false]]), ['beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['partner_id', '!=', false]]), ['Alpha', 'Gamma ALPHA']);
    // a string compares with the display name (name_search)
    assert.deepStrictEqual(names([['partner_id', '=', 'Acme Corp']]), ['Alpha']);
    assert.deepStrictEqual(names([['partner_id', 'ilike', 'acme']]), ['Alpha', 'Gamma ALPHA']);
    assert.deepStrictEqual(names([['partner_id', 'in', ['Acme Corp, John']]]), ['Gamma ALPHA']);
    // negative name operators exclude unset many2one values
    assert.deepStrictEqual(names([['partner_id', 'not ilike', 'john']]), ['Alpha']);
    assert.deepStrictEqual(names([['partner_id.name', '=', 'John']]), ['Gamma ALPHA']);
    assert.deepStrictEqual(names([['partner_id.country_id.code', '=', 'US']]), ['Alpha']);
    assert.deepStrictEqual(names([['partner_id.parent_id.name', 'ilike', 'acme']]), ['Gamma ALPHA']);
    // related field searched through its path
    assert.deepStrictEqual(names([['partner_country_code', '=', 'US']]), ['Alpha']);
  });

  it('x2many: ids, False, names and dotted paths ("some related record matches")', () => {
    assert.deepStrictEqual(names([['tag_ids', 'in', [blue]]]), ['beta']);
    assert.deepStrictEqual(names([['tag_ids', '=', red]]), ['Alpha', 'beta']);
    assert.deepStrictEqual(names([['tag_ids', '=', false]]), ['Gamma ALPHA', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['tag_ids', '!=', false]]), ['Alpha', 'beta']);
    assert.deepStrictEqual(names([['tag_ids', 'not in', [blue]]]), ['Alpha', 'Gamma ALPHA', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['tag_ids', '=', 'blue']]), ['beta']);
    assert.deepStrictEqual(names([['tag_ids.name', '=', 'red']]), ['Alpha', 'beta']);
    assert.deepStrictEqual(names([['line_ids.amount', '>', 15]]), ['Alpha']);
    assert.deepStrictEqual(names([['line_ids', '!=', false]]), ['Alpha']);
  });

  it('any / not any take a sub-domain on the comodel', () => {
    assert.deepStrictEqual(names([['line_ids', 'any', [['amount', '=', 10]]]]), ['Alpha']);
    assert.deepStrictEqual(names([['line_ids', 'not any', [['amount', '=', 10]]]]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['partner_id', 'any', [['is_company', '=', false]]]]), ['Gamma ALPHA']);
    assert.deepStrictEqual(names([['partner_id', 'not any', [['is_company', '=', false]]]]), ['Alpha', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['tag_ids', 'any', ['|', ['name', '=', 'blue'], ['name', '=', 'nothing']]]]), ['beta']);
    valueError([['name', 'any', [['x', '=', 1]]]], /any needs a relational field|Invalid/);
  });

  it('child_of / parent_of follow the parent field and include the record itself', () => {
    assert.deepStrictEqual(names([['id', 'child_of', ids.A]]), ['Alpha', 'Gamma ALPHA', 'beta'].sort());
    assert.deepStrictEqual(names([['id', 'child_of', [ids.B]]]), ['Gamma ALPHA', 'beta'].sort());
    assert.deepStrictEqual(names([['id', 'parent_of', ids.C]]), ['Alpha', 'Gamma ALPHA', 'beta'].sort());
    assert.deepStrictEqual(names([['id', 'parent_of', ids.A]]), ['Alpha']);
    assert.deepStrictEqual(names([['partner_id', 'child_of', acme]]), ['Alpha', 'Gamma ALPHA']);
    assert.deepStrictEqual(names([['partner_id', 'child_of', john]]), ['Gamma ALPHA']);
    assert.deepStrictEqual(names([['parent_id', 'child_of', ids.B]]), ['Gamma ALPHA']);
    // on res.partner through RPC (commercial entity and its contacts)
    const found = x(db, 'res.partner', 'search', [[['id', 'child_of', acme]]]) as number[];
    assert.deepStrictEqual(found.sort(), [acme, john].sort());
  });

  it('computed fields: searched through their search method or evaluated in memory', () => {
    assert.deepStrictEqual(names([['double_qty', '=', 10]]), ['Alpha']);
    assert.deepStrictEqual(names([['line_count', '=', 2]]), ['Alpha']);
    assert.deepStrictEqual(names([['line_count', '=', 0]]), ['Gamma ALPHA', 'beta', 'Épsilon'].sort());
    assert.deepStrictEqual(names([['total', '=', 30]]), ['Alpha']);
  });

  it('errors: unknown field, invalid operator, malformed domains are ValueErrors with Odoo texts', () => {
    valueError([['nope', '=', 1]], /^Invalid field x\.item\.nope in condition \('nope', '=', 1\)$/);
    valueError([['partner_id.nope', '=', 1]], /^Invalid field res\.partner\.nope in condition/);
    valueError([['name.foo', '=', 1]], /^Invalid field x\.item\.name\.foo/);
    valueError([['name', 'equals', 1]], /^Invalid operator in \('name', 'equals', 1\)$/);
    valueError([['name', '=']], /^Invalid condition \('name', '='\)$/);
    valueError(['|', ['name', '=', 'a']], /is syntactically not correct/);
    valueError(['&&', ['name', '=', 'a']], /Invalid domain term '&&'/);
    assert.throws(() => x(db, 'x.item', 'search', ['not a domain']), /ValueError|Invalid domain/);
  });

  it('Odoo 17 words leaves and operators as "leaf"', () => {
    const db17 = makeDb(17);
    assert.throws(() => x(db17, 'x.item', 'search', [[['nope', '=', 1]]]), /^.*Invalid field x\.item\.nope in leaf \('nope', '=', 1\)$/);
    assert.throws(() => x(db17, 'x.item', 'search', [[['name', 'equals', 1]]]), /Invalid leaf \('name', 'equals', 1\)/);
  });

  it('order, offset and limit; many2one ordered by the comodel order', () => {
    const order = (o: string, extra: Record<string, unknown> = {}) =>
      (x(db, 'x.item', 'search_read', [[]], { fields: ['name'], order: o, ...extra }) as Array<{ name: string }>).map((r) => r.name);
    assert.deepStrictEqual(order('id desc'), ['Épsilon', 'Gamma ALPHA', 'beta', 'Alpha']);
    assert.deepStrictEqual(order('id asc', { offset: 1, limit: 2 }), ['beta', 'Gamma ALPHA']);
    // default _order: sequence, id
    assert.deepStrictEqual(order(''), ['Épsilon', 'Alpha', 'beta', 'Gamma ALPHA']);
    // NULLS LAST ascending, first descending (PostgreSQL)
    assert.deepStrictEqual(order('qty asc, id asc'), ['beta', 'Épsilon', 'Alpha', 'Gamma ALPHA']);
    assert.deepStrictEqual(order('qty desc'), ['Gamma ALPHA', 'Alpha', 'Épsilon', 'beta']);
    // many2one: by res.partner order (complete_name): "Acme Corp" < "Acme Corp, John"; unset last
    assert.deepStrictEqual(order('partner_id, id'), ['Alpha', 'Gamma ALPHA', 'beta', 'Épsilon']);
    assert.deepStrictEqual(order('write_date asc, id asc').length, 4);
    assert.throws(() => order('nope asc'), /Invalid field 'nope' on model 'x.item'/);
    assert.throws(() => order('name; drop table'), /Invalid "order" specified/);
    assert.strictEqual(x(db, 'x.item', 'search_count', [[]]), 4);
    assert.strictEqual(x(db, 'x.item', 'search_count', [[]], { limit: 2 }), 2);
  });

  it('likeRegex translates SQL patterns', () => {
    assert.ok(likeRegex('a%c', false).test('abbbc'));
    assert.ok(!likeRegex('a_c', false).test('abbc'));
    assert.ok(likeRegex('a\\_c', false).test('a_c'));
    assert.ok(!likeRegex('a\\_c', false).test('abc'));
    assert.ok(likeRegex('(.*)', false).test('(.*)'));
  });
});
