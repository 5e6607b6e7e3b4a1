/**
 * Version gating: what 17 and 18 report and which endpoints exist (JSON-2 only on 19), the
 * JSON-RPC error code (200 on 16-18) and the private-method message (no model prefix on 17).
 */
import assert from 'assert';
import { startOdooSandbox, OdooSandbox } from '../../../sandbox/odoo/server';
import type { SandboxUser } from '../../../sandbox/odoo/types';
import { json2, jsonrpc, request, xmlrpc } from './http-helpers';

for (const version of [17, 18] as const) {
  describe(`sandbox protocols (Odoo ${version})`, function () {
    let sb: OdooSandbox;
    let admin: SandboxUser;
    before(async () => {
      sb = await startOdooSandbox({ port: 0, version, quiet: true });
      admin = sb.users.find((u) => u.login === 'admin') as SandboxUser;
    });
    after(async () => {
      await sb?.close();
    });

    it(`version() and /web/version report ${version}.0`, async () => {
      const v = await xmlrpc(sb.url, '/xmlrpc/2/common', 'version', []);
      assert.deepStrictEqual(v, { fault: false, value: { server_version: `${version}.0`, server_version_info: [version, 0, 0, 'final', 0, ''], server_serie: `${version}.0`, protocol_version: 1 } });
      const w = await request(sb.url, '/web/version');
      assert.deepStrictEqual(JSON.parse(w.body), { version_info: [version, 0, 0, 'final', 0, ''], version: `${version}.0` });
    });

    it('has no JSON-2 endpoint (plain 404, even with a valid key)', async () => {
      const r = await json2(sb.url, 'res.partner', 'search', { domain: [] }, admin.apiKey);
      assert.strictEqual(r.status, 404);
      assert.match(String(r.headers['content-type']), /text\/html/);
      assert.match(r.body, /404 Not Found/);
    });

    it('JSON-RPC errors carry code 200', async () => {
      const r = await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', admin.uid, 'wrong', 'res.partner', 'search', [[]]]);
      assert.strictEqual(r.error.code, 200);
      assert.strictEqual(r.error.message, 'Odoo Server Error');
      assert.strictEqual(r.error.data.name, 'odoo.exceptions.AccessDenied');
    });

    it('private method message per version', async () => {
      const r = await xmlrpc(sb.url, '/xmlrpc/2/object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', '_x', [[]]]);
      const expected = version === 17 ? 'Private methods (such as _x) cannot be called remotely.' : "Private methods (such as 'res.partner._x') cannot be called remotely.";
      assert.deepStrictEqual(r, { fault: true, faultCode: 4, faultString: expected });
    });

    it('execute_kw needs args (TypeError, fault 1)', async () => {
      const r = await xmlrpc(sb.url, '/xmlrpc/2/object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', 'search_count']);
      assert.ok(r.fault && r.faultCode === 1);
      assert.match(String(r.faultString), /TypeError: execute_kw\(\) missing 1 required positional argument: 'args'/);
    });
  });
}
