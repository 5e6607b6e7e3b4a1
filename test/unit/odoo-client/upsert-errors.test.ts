import assert from 'assert';
import type { OdooSandbox } from '../../../sandbox/odoo/server';
import {
  OdooAuthError,
  OdooClient,
  OdooDomainError,
  OdooTransientError,
  OdooValidationError,
  classifyJson2Error,
  classifyXmlRpcFault,
  extractOdooMessage,
  normalizeEmail,
  normalizeVat,
  sameValue,
  toJson2Request,
} from '../../../lib/odoo';
import { checkDomain, parseContext } from '../../../lib/odoo/params';
import { integrationUser, startTestSandbox } from './sandbox';

describe('Odoo errors and parameters (no server)', () => {
  it('extracts the last "Type: message" line of a traceback', () => {
    const tb = 'Traceback (most recent call last):\n  File "/x/odoo/http.py", line 1, in f\n    g()\nValueError: Invalid field \'foo\' on model \'res.partner\'\n';
    assert.deepStrictEqual(extractOdooMessage(tb), { type: 'ValueError', message: "Invalid field 'foo' on model 'res.partner'" });
    assert.deepStrictEqual(extractOdooMessage('plain text'), { message: 'plain text' });
  });

  it('classifies XML-RPC faults 1-4 and legacy string codes', () => {
    const ctx = { model: 'res.partner', method: 'write' };
    assert.strictEqual(classifyXmlRpcFault(3, 'Access Denied', ctx).code, 'OdooAuthError');
    assert.strictEqual(classifyXmlRpcFault(4, 'nope', ctx).code, 'OdooAccessError');
    assert.strictEqual(classifyXmlRpcFault(2, 'Record does not exist or has been deleted.', ctx).code, 'OdooMissingError');
    assert.strictEqual(classifyXmlRpcFault(2, 'Cannot perform the operation because some records are being updated by another transaction.', ctx).code, 'OdooTransientError');
    assert.strictEqual(classifyXmlRpcFault(2, 'The operation cannot be completed', ctx).code, 'OdooValidationError');
    const tb = 'Traceback (most recent call last):\n  File "x", line 1\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update\n';
    assert.strictEqual(classifyXmlRpcFault(1, tb, ctx).code, 'OdooTransientError');
    assert.strictEqual(classifyXmlRpcFault('warning -- MissingError\n\ngone', '', ctx).code, 'OdooMissingError');
    assert.strictEqual(classifyXmlRpcFault('AccessDenied', 'Access Denied', ctx).code, 'OdooAuthError');
    const none = classifyXmlRpcFault(1, 'Traceback (most recent call last):\n  File "x"\nTypeError: cannot marshal None unless allow_none is enabled\n', ctx);
    assert.strictEqual(none.code, 'OdooRequestError');
    assert.strictEqual(none.odooMessage, 'cannot marshal None unless allow_none is enabled');
  });

  it('classifies JSON-2 statuses', () => {
    const ctx = { model: 'res.partner', method: 'create' };
    const r429 = classifyJson2Error(429, '', { 'retry-after': '3' }, ctx);
    assert.ok(r429 instanceof OdooTransientError);
    assert.strictEqual(r429.retryAfterMs, 3000);
    assert.ok(classifyJson2Error(401, { name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey' }, {}, ctx) instanceof OdooAuthError);
    assert.ok(classifyJson2Error(422, { name: 'odoo.exceptions.ValidationError', message: 'bad' }, {}, ctx) instanceof OdooValidationError);
    assert.ok(classifyJson2Error(500, { name: 'builtins.ValueError', message: 'Invalid leaf x' }, {}, ctx) instanceof OdooDomainError);
    assert.ok(classifyJson2Error(502, '<html>Bad Gateway</html>', {}, ctx) instanceof OdooTransientError);
    assert.strictEqual(classifyJson2Error(409, { name: 'odoo.exceptions.LockError', message: 'locked' }, {}, ctx).code, 'OdooTransientError');
  });

  it('maps positional args to JSON-2 named parameters', () => {
    assert.deepStrictEqual(toJson2Request('res.partner', 'search_read', [[['a', '=', 1]], ['name'], 0, 5], {}), { params: { domain: [['a', '=', 1]], fields: ['name'], offset: 0, limit: 5 } });
    assert.deepStrictEqual(toJson2Request('res.partner', 'write', [[1, 2], { name: 'x' }], { context: { lang: 'fr_FR' } }), { ids: [1, 2], params: { vals: { name: 'x' } }, context: { lang: 'fr_FR' } });
    assert.deepStrictEqual(toJson2Request('sale.order', 'action_confirm', [[7]], {}), { ids: [7], params: {} });
    assert.throws(() => toJson2Request('sale.order', 'custom', [[7], 'x'], {}), /named parameters/);
  });

  it('normalises match keys and compares values read back', () => {
    assert.strictEqual(normalizeEmail('  John.Doe@Example.COM '), 'john.doe@example.com');
    assert.strictEqual(normalizeVat('be 0477.472-701'), 'BE0477472701');
    assert.ok(sameValue([3, 'Belgium'], 3));
    assert.ok(sameValue(false, ''));
    assert.ok(sameValue(12.5, 12.5000000000001));
    assert.ok(!sameValue('a', 'b'));
    assert.ok(sameValue([1, 2], [[6, 0, [2, 1]]]));
    assert.ok(sameValue('2024-01-02 03:04:05', '2024-01-02T03:04:05Z'));
  });

  it('checks domains and contexts', () => {
    assert.strictEqual(checkDomain([['a', '=', 1], '|', ['b', '=', 2], ['c', '=', 3]]), '');
    assert.match(checkDomain(['|', ['b', '=', 2]]), /two operands/);
    assert.match(checkDomain([['a', 'equals', 1]]), /unknown operator/);
    assert.match(checkDomain({}), /JSON list/);
    assert.deepStrictEqual(parseContext('{"lang":"fr_FR","company":3}'), { lang: 'fr_FR', allowed_company_ids: [3] });
  });
});

for (const protocol of ['xmlrpc', 'json2'] as const) {
  describe(`OdooClient.upsert over ${protocol}`, function () {
    let sb: OdooSandbox;
    let client: OdooClient;
    const T = `u${protocol}${Date.now().toString(36)}`;
    before(async () => {
      sb = await startTestSandbox(19);
      const u = integrationUser(sb);
      client = new OdooClient({ url: sb.url, db: 'demo', username: u.login, password: protocol === 'json2' ? u.apiKey : u.password, protocol });
    });
    after(async () => {
      await client.close();
      await sb.close();
    });

    it('creates, updates and leaves unchanged in one search, one create and grouped writes', async () => {
      const first = await client.upsert('res.partner', [
        { ref: `${T}-1`, name: 'Alpha', email: 'alpha@example.com' },
        { ref: `${T}-2`, name: 'Beta', email: 'beta@example.com' },
        { ref: `${T}-3`, name: 'Gamma', email: 'gamma@example.com' },
      ], ['ref']);
      assert.strictEqual(first.created.length, 3);
      assert.deepStrictEqual(first.actions, ['created', 'created', 'created']);
      const calls = client.stats.calls;
      const second = await client.upsert('res.partner', [
        { ref: `${T}-1`, name: 'Alpha', email: 'alpha@example.com' }, // unchanged
        { ref: `${T}-2`, name: 'Beta', phone: '+1 555' }, // changed
        { ref: `${T}-3`, name: 'Gamma', phone: '+1 555' }, // same change -> same write
        { ref: `${T}-4`, name: 'Delta' }, // new
      ], ['ref']);
      assert.deepStrictEqual(second.unchanged, [first.ids[0]]);
      assert.deepStrictEqual(second.updated, [first.ids[1], first.ids[2]]);
      assert.strictEqual(second.created.length, 1);
      assert.deepStrictEqual(second.ids.slice(0, 3), first.ids);
      // one search + one write (grouped) + one create
      assert.strictEqual(client.stats.calls - calls, 3);
      const rows = await client.read('res.partner', [first.ids[2] as number], ['phone']);
      assert.strictEqual(rows[0].phone, '+1 555');
    });

    it('matches email case-insensitively and VAT without punctuation, keys tried in order', async () => {
      const [a] = await client.createMany('res.partner', [{ name: `${T} Acme`, email: 'Sales@Acme.example', vat: 'BE 0477.472.701' }]);
      const r = await client.upsert('res.partner', [
        { name: `${T} Acme`, email: 'sales@acme.EXAMPLE ', vat: false },
        { name: `${T} Acme`, vat: 'be0477472701' },
        { name: `${T} Other`, ref: `${T}-none`, email: 'other@acme.example' },
      ], ['ref', 'vat', 'email']);
      assert.deepStrictEqual(r.ids.slice(0, 2), [a, a]);
      assert.strictEqual(r.created.length, 1);
    });

    it('reports records matching two candidates as ambiguous and writes nothing for them', async () => {
      const ids = await client.createMany('res.partner', [
        { name: `${T} Twin 1`, email: 'twin@example.com' },
        { name: `${T} Twin 2`, email: 'TWIN@example.com' },
      ]);
      const r = await client.upsert('res.partner', [{ name: 'Changed', email: 'twin@example.com' }], ['email']);
      assert.deepStrictEqual(r.actions, ['ambiguous']);
      assert.deepStrictEqual(r.ids, [null]);
      assert.deepStrictEqual(r.ambiguous[0].candidates, [...ids].sort((x, y) => x - y));
      const rows = await client.read('res.partner', ids, ['name']);
      assert.deepStrictEqual(rows.map((x) => x.name), [`${T} Twin 1`, `${T} Twin 2`]);
    });

    it('merges duplicates inside one batch into one record', async () => {
      const r = await client.upsert('res.partner', [
        { ref: `${T}-dup`, name: 'First' },
        { ref: `${T}-dup`, name: 'Second', phone: '1' },
      ], ['ref']);
      assert.strictEqual(r.created.length, 1);
      assert.strictEqual(r.ids[0], r.ids[1]);
      const rows = await client.read('res.partner', [r.ids[0] as number], ['name', 'phone']);
      assert.strictEqual(rows[0].name, 'Second');
    });
  });
}
