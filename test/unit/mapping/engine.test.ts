import assert from 'assert';
import jsonataLib from 'jsonata';
import { Mapper, checkRules, parseRules, type JsonataCompiler, type MappingRule } from '../../../lib/mapping/engine';
import { applyTransform, splitName } from '../../../lib/mapping/transforms';
import { getPath, setPath } from '../../../lib/mapping/paths';
import { CANONICAL_SCHEMAS } from '../../../lib/mapping/schemas';

const jsonata: JsonataCompiler = (expr) => {
  const compiled = jsonataLib(expr);
  return (msg) => compiled.evaluate(msg);
};

const hubspotMsg = {
  payload: {
    objectId: 901,
    properties: {
      name: '  Nordwind Handel GmbH ',
      email: 'EINKAUF@NORDWIND.EXAMPLE',
      country: 'Germany',
      city: 'Hamburg',
      address: 'Speicherstadt 1',
      lifecyclestage: 'customer',
      createdate: '2024-03-05T14:07:09.000Z',
      owner: 'Ada King Lovelace',
      employees: '1,250',
      vip: 'yes',
    },
    items: [
      { sku: 'SKU-1', qty: '3', price: 9.5 },
      { sku: 'SKU-2', qty: 1 },
    ],
  },
};

describe('mapping: paths and transforms', () => {
  it('gets and sets dotted/indexed paths', () => {
    assert.strictEqual(getPath(hubspotMsg, 'payload.items[1].sku'), 'SKU-2');
    assert.strictEqual(getPath(hubspotMsg, 'payload["properties"].city'), 'Hamburg');
    assert.strictEqual(getPath(hubspotMsg, 'payload.nope.deeper'), undefined);
    const o: Record<string, unknown> = {};
    setPath(o, 'address.lines[0]', 'x');
    assert.deepStrictEqual(o, { address: { lines: ['x'] } });
  });

  it('transforms values the Odoo way', () => {
    assert.strictEqual(applyTransform('date', '2024-03-05T14:07:09.000+01:00'), '2024-03-05 13:07:09');
    assert.strictEqual(applyTransform('date', 1709647629), '2024-03-05 14:07:09');
    assert.strictEqual(applyTransform('dateonly', '2024-03-05T23:30:00-02:00'), '2024-03-06');
    assert.strictEqual(applyTransform('number', '1,250'), 1250);
    assert.strictEqual(applyTransform('boolean', 'Yes'), true);
    assert.strictEqual(applyTransform('boolean', 'off'), false);
    assert.throws(() => applyTransform('boolean', 'maybe'), /not a boolean/);
    assert.throws(() => applyTransform('number', 'abc'), /not a number/);
    assert.throws(() => applyTransform('integer', '1.5'), /not an integer/);
    assert.throws(() => applyTransform('date', 'soon'), /not a date/);
    assert.deepStrictEqual(splitName('Ada King Lovelace'), { first: 'Ada', last: 'King Lovelace' });
    assert.deepStrictEqual(splitName('Lovelace, Ada'), { first: 'Ada', last: 'Lovelace' });
    assert.strictEqual(applyTransform('lastname', 'Cher'), '');
  });
});

describe('mapping: rules', () => {
  it('maps with every source kind, transforms, defaults', async () => {
    const rules: MappingRule[] = [
      { target: 'external_id', source: 'template', template: 'hubspot:{{payload.objectId}}' },
      { target: 'name', source: 'path', path: 'payload.properties.name', transforms: ['trim'], required: true },
      { target: 'email', source: 'path', path: 'payload.properties.email', transforms: ['trim', 'lower'] },
      { target: 'is_company', source: 'constant', value: true },
      { target: 'address.country_code', source: 'map', path: 'payload.properties.country', map: { germany: 'DE', france: 'FR' }, ignoreCase: true },
      { target: 'address.city', source: 'path', path: 'payload.properties.city' },
      { target: 'address.street', source: 'path', path: 'payload.properties.address' },
      { target: 'created', source: 'path', path: 'payload.properties.createdate', transforms: ['date'] },
      { target: 'owner_first', source: 'path', path: 'payload.properties.owner', transforms: ['firstname'] },
      { target: 'owner_last', source: 'path', path: 'payload.properties.owner', transforms: ['lastname'] },
      { target: 'employees', source: 'path', path: 'payload.properties.employees', transforms: ['number'] },
      { target: 'vip', source: 'path', path: 'payload.properties.vip', transforms: ['boolean'] },
      { target: 'lang', source: 'path', path: 'payload.properties.lang', default: 'de_DE' },
      { target: 'lines', source: 'jsonata', expression: 'payload.items.{"product_code": sku, "quantity": $number(qty)}' },
      { target: 'tags', source: 'constant', value: ['a'] },
    ];
    const mapper = new Mapper(rules, { jsonata });
    const r = await mapper.run(hubspotMsg);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepStrictEqual(r.value, {
      external_id: 'hubspot:901',
      name: 'Nordwind Handel GmbH',
      email: 'einkauf@nordwind.example',
      is_company: true,
      address: { country_code: 'DE', city: 'Hamburg', street: 'Speicherstadt 1' },
      created: '2024-03-05 14:07:09',
      owner_first: 'Ada',
      owner_last: 'King Lovelace',
      employees: 1250,
      vip: true,
      lang: 'de_DE',
      lines: [
        { product_code: 'SKU-1', quantity: 3 },
        { product_code: 'SKU-2', quantity: 1 },
      ],
      tags: ['a'],
    });
    // Constants are copied: changing one output does not change the next.
    (r.value.tags as string[]).push('b');
    const again = await mapper.run(hubspotMsg);
    assert.deepStrictEqual(again.ok && again.value.tags, ['a']);
  });

  it('templates do not HTML-escape', async () => {
    const m = new Mapper([{ target: 'n', source: 'template', template: '{{payload.a}} & {{payload.b}}' }]);
    const r = await m.run({ payload: { a: 'R&D <x>', b: "O'Neil" } });
    assert.ok(r.ok);
    assert.strictEqual(r.value.n, "R&D <x> & O'Neil");
  });

  it('reports every failing field with path, received value and reason', async () => {
    const m = new Mapper(
      [
        { target: 'name', source: 'path', path: 'payload.name', required: true },
        { target: 'qty', source: 'path', path: 'payload.qty', transforms: ['number'] },
        { target: 'state', source: 'map', path: 'payload.stage', map: { won: 'sale' } },
        { target: 'x', source: 'jsonata', expression: '$error("nope")' },
      ],
      { jsonata },
    );
    const r = await m.run({ payload: { name: '', qty: 'ten', stage: 'lost' } });
    assert.strictEqual(r.ok, false);
    if (r.ok) return;
    assert.deepStrictEqual(
      r.issues.map((i) => [i.field, i.path, i.received, i.reason]),
      [
        ['name', 'msg.payload.name', '', 'required'],
        ['qty', 'msg.payload.qty', 'ten', 'not a number: "ten"'],
        ['state', 'msg.payload.stage', 'lost', 'no mapping for "lost"'],
        ['x', '$error("nope")', undefined, 'nope'],
      ],
    );
  });

  it('map default applies when no entry matches', async () => {
    const m = new Mapper([{ target: 'state', source: 'map', path: 'payload.stage', map: { closedwon: 'sale' }, mapDefault: 'draft' }]);
    const a = await m.run({ payload: { stage: 'closedwon' } });
    const b = await m.run({ payload: { stage: 'appointmentscheduled' } });
    assert.deepStrictEqual([a.ok && a.value.state, b.ok && b.value.state], ['sale', 'draft']);
  });

  it('checks the rule table', () => {
    assert.deepStrictEqual(checkRules([{ target: 'a', source: 'path', path: 'payload.a' }]), []);
    const errors = checkRules([
      { target: '', source: 'path', path: 'x' },
      { target: 'b', source: 'weird' },
      { target: 'c', source: 'path' },
      { target: 'd', source: 'path', path: 'p', transforms: ['shout'] },
      { target: 'd', source: 'map', path: 'p' },
      { target: 'e', source: 'jsonata', expression: '$x' },
    ], { jsonata: false });
    assert.strictEqual(errors.length, 7, errors.join('\n'));
    assert.throws(() => new Mapper([{ target: 'e', source: 'jsonata', expression: '$x' }]), /no JSONata evaluator/);
    assert.deepStrictEqual(parseRules('[{"target":"a","source":"constant","value":1}]'), [{ target: 'a', source: 'constant', value: 1 }]);
    assert.deepStrictEqual(parseRules(''), []);
  });
});

describe('mapping: canonical schemas', () => {
  it('validates a customer and reports schema issues with paths', async () => {
    const rules: MappingRule[] = [
      { target: 'external_id', source: 'path', path: 'payload.id' },
      { target: 'name', source: 'path', path: 'payload.name' },
      { target: 'email', source: 'path', path: 'payload.email' },
      { target: 'address.street', source: 'path', path: 'payload.street' },
      { target: 'address.city', source: 'path', path: 'payload.city' },
      { target: 'address.country_code', source: 'path', path: 'payload.country' },
    ];
    const m = new Mapper(rules, { schema: CANONICAL_SCHEMAS.customer });
    const good = await m.run({ payload: { id: '1', name: 'ACME', email: 'a@acme.example', street: 'Main 1', city: 'Lyon', country: 'FR' } });
    assert.ok(good.ok);
    assert.strictEqual(good.value.is_company, true, 'schema default applied');
    const bad = await m.run({ payload: { id: '1', name: 'ACME', email: 'not-mail', street: 'Main 1', city: 'Lyon', country: 'France' } });
    assert.strictEqual(bad.ok, false);
    if (bad.ok) return;
    const byField = Object.fromEntries(bad.issues.map((i) => [i.field, i]));
    assert.deepStrictEqual(Object.keys(byField).sort(), ['address.country_code', 'email']);
    assert.strictEqual(byField['address.country_code'].received, 'France');
    assert.match(byField['address.country_code'].reason, /ISO 3166/);
    assert.strictEqual(byField.email.received, 'not-mail');
  });

  it('order needs lines with positive quantities; unknown fields are rejected', () => {
    const order = CANONICAL_SCHEMAS.order;
    const base = { external_id: 'D-1', customer_external_id: 'C-1', lines: [{ product_code: 'SKU-1', quantity: 2, price_unit: 5 }] };
    assert.ok(order.safeParse(base).success);
    assert.ok(!order.safeParse({ ...base, lines: [] }).success);
    assert.ok(!order.safeParse({ ...base, lines: [{ product_code: 'SKU-1', quantity: 0 }] }).success);
    assert.ok(!order.safeParse({ ...base, colour: 'red' }).success);
    assert.ok(!order.safeParse({ ...base, date_order: '2024-03-05T10:00:00Z' }).success, 'Odoo datetime format required');
    assert.ok(order.safeParse({ ...base, date_order: '2024-03-05 10:00:00' }).success);
  });

  it('fulfillment, invoice status, return request, contact, address', () => {
    const S = CANONICAL_SCHEMAS;
    assert.ok(S.fulfillment.safeParse({ order_ref: 'S00012', milestone: 'shipped', at: '2024-03-05 10:00:00', carrier: 'DHL', tracking_ref: '123' }).success);
    assert.ok(!S.fulfillment.safeParse({ order_ref: 'S00012', milestone: 'teleported', at: '2024-03-05 10:00:00' }).success);
    assert.ok(S.invoice.safeParse({ invoice: 'INV/2024/0001', move_type: 'out_invoice', state: 'posted', payment_state: 'partial', amount_total: 100, amount_residual: 40, currency: 'EUR' }).success);
    assert.ok(!S.invoice.safeParse({ invoice: 'INV/2024/0001', move_type: 'out_invoice', state: 'open', payment_state: 'paid', amount_total: 1, amount_residual: 0, currency: 'EUR' }).success);
    const ret = S.return.safeParse({ external_id: 'R-1', order_ref: 'S00012', lines: [{ product_code: 'SKU-1', quantity: 1 }] });
    assert.ok(ret.success && ret.data.resolution === 'refund');
    assert.ok(S.contact.safeParse({ external_id: 'c1', name: 'Ada Lovelace', email: 'ada@example.com' }).success);
    assert.ok(!S.address.safeParse({ street: 'x', city: 'y', country_code: 'de' }).success);
  });
});
