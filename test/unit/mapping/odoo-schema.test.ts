import assert from 'assert';
import { Mapper } from '../../../lib/mapping/engine';
import { schemaFromFields, type OdooFields } from '../../../lib/mapping/odoo-schema';

// Shape of a real fields_get answer (attributes type, required, selection, string, relation, readonly).
const partnerFields: OdooFields = {
  id: { type: 'integer', string: 'ID', readonly: true },
  name: { type: 'char', string: 'Name', required: true },
  is_company: { type: 'boolean', string: 'Is a Company' },
  email: { type: 'char', string: 'Email' },
  type: { type: 'selection', string: 'Address Type', selection: [['contact', 'Contact'], ['invoice', 'Invoice Address'], ['delivery', 'Delivery Address'], ['other', 'Other Address']] },
  country_id: { type: 'many2one', string: 'Country', relation: 'res.country' },
  customer_rank: { type: 'integer', string: 'Customer Rank' },
  credit_limit: { type: 'float', string: 'Credit Limit' },
  category_id: { type: 'many2many', string: 'Tags', relation: 'res.partner.category' },
  child_ids: { type: 'one2many', string: 'Contact', relation: 'res.partner' },
  date: { type: 'date', string: 'Date' },
  create_date: { type: 'datetime', string: 'Created on', readonly: true },
};

describe('mapping: schema from Odoo fields_get', () => {
  const create = schemaFromFields(partnerFields, { model: 'res.partner' });
  const write = schemaFromFields(partnerFields, { model: 'res.partner', mode: 'write' });

  it('accepts what Odoo accepts', () => {
    const r = create.safeParse({
      name: 'ACME',
      is_company: true,
      type: 'invoice',
      country_id: 75,
      customer_rank: 1,
      credit_limit: 1000.5,
      category_id: [[6, 0, [1, 2]]],
      child_ids: [[0, 0, { name: 'Ada' }]],
      email: false,
      date: '2024-03-05',
    });
    assert.ok(r.success, JSON.stringify(!r.success && r.error.issues));
  });

  it('rejects what Odoo rejects: unknown field, bad selection, wrong types, missing required on create', () => {
    const r = create.safeParse({ colour: 'red', type: 'private', country_id: 'Germany', customer_rank: 1.5, date: '05/03/2024' });
    assert.ok(!r.success);
    const paths = r.error.issues.map((i) => i.path.join('.') || (i as { keys?: string[] }).keys?.join(',')).sort();
    assert.deepStrictEqual(paths, ['colour', 'country_id', 'customer_rank', 'date', 'name', 'type']);
    const unknown = r.error.issues.find((i) => i.code === 'unrecognized_keys');
    assert.match(String(unknown?.message), /Invalid field 'colour' on model 'res.partner'/);
    const sel = r.error.issues.find((i) => i.path[0] === 'type');
    assert.match(String(sel?.message), /"contact", "invoice", "delivery", "other"/);
    assert.ok(!create.safeParse({ name: 'x', id: 4 }).success, 'magic fields are not writable');
  });

  it('write mode: nothing is required', () => {
    assert.ok(write.safeParse({ email: 'x@example.com' }).success);
    assert.ok(!create.safeParse({ email: 'x@example.com' }).success);
  });

  it('drives the mapper issues', async () => {
    const m = new Mapper(
      [
        { target: 'name', source: 'path', path: 'payload.name' },
        { target: 'type', source: 'constant', value: 'shipping' },
        { target: 'nickname', source: 'constant', value: 'x' },
      ],
      { schema: create },
    );
    const r = await m.run({ payload: { name: 'ACME' } });
    assert.strictEqual(r.ok, false);
    if (r.ok) return;
    assert.deepStrictEqual(r.issues.map((i) => [i.field, i.received]).sort(), [
      ['nickname', ['x']],
      ['type', 'shipping'],
    ]);
  });
});
