import assert from 'assert';
import { checkMapperRules, misfit, ruleOutput } from '../../../lib/editor/mapper-check';

const FIELDS = {
  name: { type: 'char', string: 'Name', required: true },
  email: { type: 'char' },
  customer_rank: { type: 'integer' },
  credit_limit: { type: 'float' },
  is_company: { type: 'boolean' },
  country_id: { type: 'many2one', relation: 'res.country' },
  category_id: { type: 'many2many', relation: 'res.partner.category' },
  type: { type: 'selection', selection: [['contact', 'Contact'], ['delivery', 'Delivery']] },
  date_order: { type: 'datetime' },
  validity_date: { type: 'date' },
  commercial_partner_id: { type: 'many2one', readonly: true },
};

describe('editor: mapper rules against the target model', () => {
  it('accepts rules that fit', () => {
    const issues = checkMapperRules([
      { target: 'name', source: 'template', template: '{{payload.first}} {{payload.last}}' },
      { target: 'email', source: 'path', path: 'payload.email', transforms: ['trim', 'lower'] },
      { target: 'customer_rank', source: 'constant', value: 1 },
      { target: 'credit_limit', source: 'path', path: 'payload.limit', transforms: ['number'] },
      { target: 'is_company', source: 'constant', value: true },
      { target: 'country_id', source: 'map', map: { Belgium: 21, France: 75 } },
      { target: 'type', source: 'map', map: { ship: 'delivery' }, mapDefault: 'contact' },
      { target: 'date_order', source: 'path', path: 'payload.closedate', transforms: ['date'] },
      { target: 'validity_date', source: 'constant', value: '2025-01-31' },
      { target: 'category_id', source: 'constant', value: [[6, 0, [1, 2]]] },
    ], FIELDS);
    assert.deepStrictEqual(issues, []);
  });

  it('flags targets that are not fields, Odoo-managed fields and paths through scalar fields', () => {
    const issues = checkMapperRules([
      { target: 'nmae', source: 'path', path: 'payload.name' },
      { target: 'id', source: 'constant', value: 3 },
      { target: 'email.domain', source: 'constant', value: 'x' },
      { target: '', source: 'constant', value: 'x' },
    ], FIELDS, { mode: 'write', model: 'res.partner' });
    assert.deepStrictEqual(issues.map((i) => [i.rule, i.level]), [[0, 'error'], [1, 'error'], [2, 'error'], [3, 'error']]);
    assert.strictEqual(issues[0].message, "no field 'nmae' on res.partner");
    assert.match(issues[1].message, /set by Odoo/);
    assert.match(issues[2].message, /no sub-field 'domain'/);
  });

  it('flags values whose type cannot fit', () => {
    const issues = checkMapperRules([
      { target: 'customer_rank', source: 'template', template: '{{payload.rank}}' },
      { target: 'country_id', source: 'path', path: 'payload.country', transforms: ['trim'] },
      { target: 'is_company', source: 'constant', value: 'yes' },
      { target: 'credit_limit', source: 'constant', value: 'lots' },
      { target: 'name', source: 'constant', value: 42 },
      { target: 'validity_date', source: 'path', path: 'payload.d', transforms: ['date'] },
      { target: 'category_id', source: 'constant', value: 4 },
      { target: 'customer_rank', source: 'path', path: 'payload.rank', transforms: ['number'] },
    ], FIELDS, { mode: 'write' });
    assert.deepStrictEqual(issues.map((i) => i.rule), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(issues.every((i) => i.level === 'error'));
    assert.match(issues[1].message, /record id/);
    assert.match(issues[5].message, /dateonly/);
    assert.match(issues[7].message, /decimals/);
  });

  it('flags selection values that are not offered and malformed date constants', () => {
    const issues = checkMapperRules([
      { target: 'type', source: 'map', map: { a: 'contact', b: 'private' } },
      { target: 'type', source: 'constant', value: 'other' },
      { target: 'validity_date', source: 'constant', value: '31/01/2025' },
    ], FIELDS, { mode: 'write' });
    assert.strictEqual(issues.length, 3);
    assert.match(issues[0].message, /"private" is not a value of 'type'/);
    assert.match(issues[2].message, /is not 'YYYY-MM-DD'/);
  });

  it('warns about required fields without a rule on create, and read-only targets', () => {
    const create = checkMapperRules([{ target: 'commercial_partner_id', source: 'path', path: 'x' }], FIELDS);
    assert.deepStrictEqual(create.map((i) => [i.rule, i.target, i.level]), [[0, 'commercial_partner_id', 'warning'], [-1, 'name', 'warning']]);
    const write = checkMapperRules([], FIELDS, { mode: 'write' });
    assert.deepStrictEqual(write, []);
  });

  it('accepts a field list as well as a fields_get map', () => {
    const list = Object.entries(FIELDS).map(([name, f]) => ({ name, ...f }));
    assert.deepStrictEqual(checkMapperRules([{ target: 'x', source: 'path' }], list, { mode: 'write' }), checkMapperRules([{ target: 'x', source: 'path' }], FIELDS, { mode: 'write' }));
  });

  it('derives the output kind from the last typing transform', () => {
    assert.deepStrictEqual(ruleOutput({ source: 'template', transforms: ['trim', 'integer', 'emptyToUndefined'] }).kinds, ['integer']);
    assert.deepStrictEqual(ruleOutput({ source: 'jsonata' }).kinds, ['unknown']);
    assert.strictEqual(misfit('many2one', 'unknown'), '');
  });
});
