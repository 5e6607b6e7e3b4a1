/**
 * resources/odoo-editor.js carries a browser copy of lib/editor/domain.ts and lib/editor/mapper-check.ts.
 * These tests run both over the same inputs (the shared case table plus generated domains and rules)
 * and require identical answers, so the editor and the runtime never disagree.
 */
import assert from 'assert';
import path from 'path';
import * as domain from '../../../lib/editor/domain';
import * as mapper from '../../../lib/editor/mapper-check';
import { DOMAIN_CASES, PARTNER_FIELDS } from './domain-cases';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const browser = require(path.resolve(__dirname, '../../../resources/odoo-editor.js'));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)];
}

const LEAVES = ['name', 'email', 'is_company', 'customer_rank', 'type', 'country_id', 'country_id.code', 'child_ids', 'nope', 'email.x', 'id', 1, 0, '', 'a b'];
const OPS = [...domain.TERM_OPERATORS, 'ILIKE', '==', 'between', 5];
const VALUES: unknown[] = ['acme', 3, 2.5, true, false, null, [1, 2], ['contact'], 'contact', 'private', {}, [['email', 'ilike', 'x']], '12', 1];

function randomDomain(r: () => number, depth = 0): unknown[] {
  const out: unknown[] = [];
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.2) out.push(pick(r, ['&', '|', '!', 'or']));
    else if (x < 0.25) out.push(pick(r, [true, 3, 'x', null]));
    else if (x < 0.3 && depth < 2) out.push(['child_ids', pick(r, ['any', 'not any']), randomDomain(r, depth + 1)]);
    else if (x < 0.33) out.push(['name', '=']);
    else out.push([pick(r, LEAVES), pick(r, OPS), pick(r, VALUES)]);
  }
  return out;
}

describe('editor: browser copy of the validators matches lib/editor', () => {
  it('exports the same operator list and type operators', () => {
    assert.deepStrictEqual(browser.TERM_OPERATORS, [...domain.TERM_OPERATORS]);
    for (const t of [undefined, '', 'char', 'boolean', 'integer', 'float', 'date', 'datetime', 'selection', 'many2one', 'one2many', 'many2many', 'html']) {
      assert.deepStrictEqual(browser.operatorsForType(t), domain.operatorsForType(t), String(t));
    }
  });

  for (const c of DOMAIN_CASES) {
    it(`same answer: ${c.name}`, () => {
      const opts = { fields: c.fields ? PARTNER_FIELDS : undefined, version: c.version, model: 'res.partner' };
      assert.deepStrictEqual(browser.validateDomain(c.input, opts), domain.validateDomain(c.input, opts));
      assert.deepStrictEqual(browser.nodeRedDomainValidator(c.input), domain.nodeRedDomainValidator(c.input));
    });
  }

  it('same answers on 2,000 generated domains, with and without fields', () => {
    const r = rng(7);
    let invalid = 0;
    for (let i = 0; i < 2000; i++) {
      const d = randomDomain(r);
      const opts = i % 2 ? { fields: PARTNER_FIELDS, version: pick(r, [17, 18, 19, undefined]) } : {};
      const a = domain.validateDomain(d, opts);
      assert.deepStrictEqual(browser.validateDomain(JSON.stringify(d), opts), domain.validateDomain(JSON.stringify(d), opts), JSON.stringify(d));
      assert.deepStrictEqual(browser.validateDomain(d, opts), a, JSON.stringify(d));
      if (!a.ok) invalid++;
    }
    // The generator must exercise both outcomes.
    assert.ok(invalid > 200 && invalid < 1900, `invalid=${invalid}`);
  });

  it('same mapper checks on generated rule tables', () => {
    const fields = { ...PARTNER_FIELDS, date_x: { type: 'date' }, ok_flag: { type: 'boolean', readonly: true }, lines: { type: 'one2many' } };
    const r = rng(11);
    const sources = ['path', 'template', 'constant', 'map', 'jsonata', 'bogus'];
    const targets = [...Object.keys(fields), 'nope', 'id', 'name.first', 'country_id.code', '', 3];
    const transforms = ['trim', 'number', 'integer', 'boolean', 'date', 'dateonly', 'string', 'emptyToUndefined', 'firstname'];
    let issues = 0;
    for (let i = 0; i < 500; i++) {
      const rules = Array.from({ length: Math.floor(r() * 5) }, () => ({
        target: pick(r, targets),
        source: pick(r, sources),
        value: pick(r, VALUES.concat(['2024-01-02', '2024-01-02 03:04:05'])),
        map: r() < 0.5 ? { a: pick(r, VALUES), b: pick(r, VALUES) } : undefined,
        mapDefault: r() < 0.3 ? pick(r, VALUES) : undefined,
        transforms: r() < 0.4 ? [pick(r, transforms)] : undefined,
      }));
      const mode = r() < 0.5 ? 'create' : 'write';
      const a = mapper.checkMapperRules(rules, fields, { mode, model: 'res.partner' });
      assert.deepStrictEqual(browser.checkMapperRules(rules, fields, { mode, model: 'res.partner' }), a, JSON.stringify(rules));
      issues += a.length;
    }
    assert.ok(issues > 100);
  });
});
