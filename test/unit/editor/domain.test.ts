import assert from 'assert';
import { validateDomain, nodeRedDomainValidator, describeDomainErrors, operatorsForType, TERM_OPERATORS } from '../../../lib/editor/domain';
import { DOMAIN_CASES, PARTNER_FIELDS } from './domain-cases';

describe('editor: domain validator (lib/editor/domain)', () => {
  for (const c of DOMAIN_CASES) {
    it(c.name, () => {
      const r = validateDomain(c.input, { fields: c.fields ? PARTNER_FIELDS : undefined, version: c.version, model: 'res.partner' });
      assert.strictEqual(r.ok, c.ok, JSON.stringify(r.errors));
      if (c.error) {
        assert.ok(r.errors[0].message.includes(c.error), `"${r.errors[0].message}" should include "${c.error}"`);
      }
      if (c.errorPath) assert.deepStrictEqual(r.errors[0].path, c.errorPath);
      if (c.warnings !== undefined) assert.strictEqual(r.warnings.length, c.warnings, JSON.stringify(r.warnings));
    });
  }

  it('returns the parsed domain', () => {
    assert.deepStrictEqual(validateDomain('["|", ["a","=",1], ["b","=",2]]').domain, ['|', ['a', '=', 1], ['b', '=', 2]]);
  });

  it('Node-RED validate: true when valid, a positioned message when not', () => {
    assert.strictEqual(nodeRedDomainValidator('[["state","=","sale"]]'), true);
    assert.strictEqual(nodeRedDomainValidator(''), true);
    assert.strictEqual(nodeRedDomainValidator(undefined), true);
    const msg = nodeRedDomainValidator('[["a","=",1], ["b","like"], ["c","~",1]]');
    assert.strictEqual(typeof msg, 'string');
    assert.match(msg as string, /^element 2: A condition has three parts/);
    assert.match(msg as string, /\(\+1 more\)$/);
  });

  it('describes nested positions one-based', () => {
    const r = validateDomain('[["child_ids", "any", [["email", "~", 1]]]]');
    assert.match(describeDomainErrors(r), /^element 1 > 3 > 1: Unknown operator/);
  });

  it('offers operators that fit the field type', () => {
    assert.deepStrictEqual(operatorsForType('boolean'), ['=', '!=']);
    assert.ok(operatorsForType('many2one').includes('child_of'));
    assert.ok(!operatorsForType('integer').includes('ilike'));
    assert.strictEqual(operatorsForType(undefined).length, TERM_OPERATORS.length);
    for (const t of ['char', 'integer', 'float', 'date', 'datetime', 'selection', 'many2one', 'one2many', 'many2many', 'boolean']) {
      for (const op of operatorsForType(t)) assert.ok((TERM_OPERATORS as readonly string[]).includes(op), `${t}: ${op}`);
    }
  });
});
