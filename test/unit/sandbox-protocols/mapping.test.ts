/**
 * Protocol mapping of exceptions the seeded data cannot easily produce (LockError from the ORM,
 * a sandbox bug), using a tiny fake database behind the same server.
 */
import assert from 'assert';
import { startOdooSandbox, OdooSandbox } from '../../../sandbox/odoo/server';
import { createFakeDatabase } from './fake-db';
import { json2, jsonrpc, xmlrpc } from './http-helpers';

describe('sandbox protocol mapping (fake database)', () => {
  let sb: OdooSandbox;
  before(async () => {
    sb = await startOdooSandbox({ port: 0, quiet: true, createDatabase: createFakeDatabase });
  });
  after(async () => {
    await sb?.close();
  });
  const kw = (method: string, args: unknown[], path = '/xmlrpc/2/object') => xmlrpc(sb.url, path, 'execute_kw', ['demo', 2, 'admin', 'x.thing', method, args]);

  it('LockError: fault 2, legacy UserError string code, JSON-RPC odoo.exceptions.LockError, JSON-2 409', async () => {
    assert.deepStrictEqual(await kw('action_lock', [[1]]), { fault: true, faultCode: 2, faultString: 'Record is locked.' });
    assert.deepStrictEqual(await kw('action_lock', [[1]], '/xmlrpc/object'), { fault: true, faultCode: 'warning -- UserError\n\nRecord is locked.', faultString: '' });
    const j = await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', 2, 'admin', 'x.thing', 'action_lock', [[1]]]);
    assert.strictEqual(j.error.data.name, 'odoo.exceptions.LockError');
    const r = await json2(sb.url, 'x.thing', 'action_lock', { ids: [1] }, 'fake-admin-key');
    assert.deepStrictEqual([r.status, r.json.name, r.json.message], [409, 'odoo.exceptions.LockError', 'Record is locked.']);
  });

  it('a sandbox bug (JS exception) is a Python-looking error on each protocol, and the server stays up', async () => {
    const x = await kw('action_crash', [[1]]);
    assert.ok(x.fault && x.faultCode === 1 && /\nTypeError: boom \(a sandbox bug\)\n$/.test(String(x.faultString)));
    const j = await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', 2, 'admin', 'x.thing', 'action_crash', [[1]]]);
    assert.strictEqual(j.error.data.name, 'builtins.TypeError');
    const r = await json2(sb.url, 'x.thing', 'action_crash', { ids: [1] }, 'fake-admin-key');
    assert.strictEqual(r.status, 500);
    assert.deepStrictEqual(await kw('search', [[['id', '=', 1]]]), { fault: false, value: [1] });
  });

  it('None from JSON-2 is a JSON null body; JSON-2 create of one dict is a list', async () => {
    const r = await json2(sb.url, 'x.thing', 'action_none', { ids: [1] }, 'fake-admin-key');
    assert.deepStrictEqual([r.status, r.body], [200, 'null']);
    const c = await json2(sb.url, 'x.thing', 'create', { vals_list: { name: 'one' } }, 'fake-admin-key');
    assert.strictEqual(c.status, 200);
    assert.ok(Array.isArray(c.json) && c.json.length === 1);
  });
});
