/**
 * The Odoo sandbox's protocol front ends on Odoo 19 over the real ORM: XML-RPC (/xmlrpc/2 and the
 * legacy string-code endpoints), JSON-RPC and JSON-2, each fault mapping, the None rule,
 * malformed bodies, the integration user's rights and keep-alive.
 */
import assert from 'assert';
import http from 'http';
import xmlrpcLib from 'xmlrpc';
import { startOdooSandbox, OdooSandbox } from '../../../sandbox/odoo/server';
import type { SandboxUser } from '../../../sandbox/odoo/types';
import { json2, jsonrpc, request, xmlrpc, xmlrpcRaw } from './http-helpers';

describe('sandbox protocols (Odoo 19)', function () {
  let sb: OdooSandbox;
  let admin: SandboxUser;
  let integ: SandboxUser;
  const obj = (method: string, params: unknown[]) => xmlrpc(sb.url, '/xmlrpc/2/object', method, params);
  const kw = (user: SandboxUser, model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>) =>
    obj('execute_kw', ['demo', user.uid, user.password, model, method, args, ...(kwargs ? [kwargs] : [])]);
  const ok = async (p: Promise<unknown>): Promise<any> => {
    const r = (await p) as { fault: boolean; value?: unknown; faultString?: unknown };
    assert.strictEqual(r.fault, false, `unexpected fault: ${String(r.faultString)}`);
    return r.value;
  };
  const fault = async (p: Promise<unknown>): Promise<{ faultCode: any; faultString: any }> => {
    const r = (await p) as { fault: boolean; faultCode?: unknown; faultString?: unknown; value?: unknown };
    assert.strictEqual(r.fault, true, `expected a fault, got ${JSON.stringify(r.value)}`);
    return r as { faultCode: any; faultString: any };
  };
  const partnerCount = async (): Promise<number> => ok(kw(admin, 'res.partner', 'search_count', [[]], { context: { active_test: false } }));

  before(async function () {
    sb = await startOdooSandbox({ port: 0, quiet: true });
    admin = sb.users.find((u) => u.login === 'admin') as SandboxUser;
    integ = sb.users.find((u) => u.login === 'integration') as SandboxUser;
    assert.ok(admin && integ, 'admin and integration users exist');
  });
  after(async () => {
    await sb?.close();
  });

  describe('XML-RPC /xmlrpc/2/common', () => {
    it('version() has the 19.0 shape', async () => {
      const v = await ok(xmlrpc(sb.url, '/xmlrpc/2/common', 'version', []));
      assert.deepStrictEqual(v, { server_version: '19.0', server_version_info: [19, 0, 0, 'final', 0, ''], server_serie: '19.0', protocol_version: 1 });
    });
    it('authenticate and login answer the uid, False on bad credentials (no fault), and accept an API key', async () => {
      assert.strictEqual(await ok(xmlrpc(sb.url, '/xmlrpc/2/common', 'authenticate', ['demo', 'admin', 'admin', {}])), admin.uid);
      assert.strictEqual(await ok(xmlrpc(sb.url, '/xmlrpc/2/common', 'authenticate', ['demo', 'admin', 'wrong', {}])), false);
      assert.strictEqual(await ok(xmlrpc(sb.url, '/xmlrpc/2/common', 'login', ['demo', 'integration', 'integration'])), integ.uid);
      assert.strictEqual(await ok(xmlrpc(sb.url, '/xmlrpc/2/common', 'login', ['demo', 'integration', integ.apiKey])), integ.uid);
      assert.strictEqual(await ok(xmlrpc(sb.url, '/xmlrpc/2/common', 'login', ['demo', 'nobody', 'x'])), false);
    });
    it('an unknown database and a wrong arity are Python errors (fault 1)', async () => {
      const f = await fault(xmlrpc(sb.url, '/xmlrpc/2/common', 'authenticate', ['nodb', 'admin', 'admin', {}]));
      assert.strictEqual(f.faultCode, 1);
      assert.match(f.faultString, /^Traceback \(most recent call last\):\n/);
      assert.match(f.faultString, /psycopg2\.OperationalError: .*database "nodb" does not exist/);
      const f2 = await fault(xmlrpc(sb.url, '/xmlrpc/2/common', 'login', ['demo', 'admin']));
      assert.strictEqual(f2.faultCode, 1);
      assert.match(f2.faultString, /TypeError: exp_login\(\) missing 1 required positional argument: 'password'\n$/);
    });
  });

  describe('XML-RPC /xmlrpc/2/object', () => {
    it('search_read with kwargs: ids, many2one as [id, name], False for empty values', async () => {
      const rows = await ok(kw(admin, 'res.partner', 'search_read', [[['is_company', '=', true]]], { fields: ['name', 'parent_id', 'vat'], limit: 3, order: 'id asc' }));
      assert.strictEqual(rows.length, 3);
      for (const r of rows) {
        assert.strictEqual(typeof r.id, 'number');
        assert.strictEqual(r.parent_id, false);
      }
      const order = await ok(kw(admin, 'sale.order', 'search_read', [[]], { fields: ['partner_id'], limit: 1 }));
      assert.ok(Array.isArray(order[0].partner_id) && typeof order[0].partner_id[0] === 'number' && typeof order[0].partner_id[1] === 'string');
    });
    it('execute passes positional args', async () => {
      const n = await ok(obj('execute', ['demo', admin.uid, 'admin', 'res.partner', 'search_count', [['is_company', '=', true]]]));
      assert.ok(typeof n === 'number' && n >= 20);
    });
    it('create answers an int for one dict and a list for a list; write and unlink answer True', async () => {
      const id = await ok(kw(admin, 'res.partner', 'create', [{ name: 'RPC single' }]));
      assert.strictEqual(typeof id, 'number');
      const ids = await ok(kw(admin, 'res.partner', 'create', [[{ name: 'RPC a' }, { name: 'RPC b' }]]));
      assert.ok(Array.isArray(ids) && ids.length === 2 && ids.every((x: unknown) => typeof x === 'number'));
      assert.strictEqual(await ok(kw(admin, 'res.partner', 'write', [[id], { name: 'RPC renamed' }])), true);
      const [row] = await ok(kw(admin, 'res.partner', 'read', [[id], ['name']]));
      assert.strictEqual(row.name, 'RPC renamed');
      assert.strictEqual(await ok(kw(admin, 'res.partner', 'unlink', [ids])), true);
      const gone = await fault(kw(admin, 'res.partner', 'read', [ids, ['name']]));
      assert.strictEqual(gone.faultCode, 2);
      assert.match(gone.faultString, /^Record does not exist or has been deleted\./);
    });
    it('honours the context (active_test)', async () => {
      const id = await ok(kw(admin, 'res.partner', 'create', [{ name: 'Archived RPC partner' }]));
      await ok(kw(admin, 'res.partner', 'write', [[id], { active: false }]));
      const dom = [['name', '=', 'Archived RPC partner']];
      assert.deepStrictEqual(await ok(kw(admin, 'res.partner', 'search', [dom])), []);
      assert.deepStrictEqual(await ok(kw(admin, 'res.partner', 'search', [dom], { context: { active_test: false } })), [id]);
    });
    it('accepts <nil/>, dateTime.iso8601 and base64 in requests', async () => {
      const xml =
        "<?xml version='1.0'?><methodCall><methodName>execute_kw</methodName><params>" +
        `<param><value>demo</value></param><param><value><int>${admin.uid}</int></value></param><param><value><string>admin</string></value></param>` +
        '<param><value>res.partner</value></param><param><value>search_count</value></param>' +
        '<param><value><array><data><value><array><data><value><array><data><value>write_date</value><value>&lt;=</value>' +
        '<value><dateTime.iso8601>29991231T23:59:59</dateTime.iso8601></value></data></array></value></data></array></value></data></array></value></param>' +
        '<param><value><struct><member><name>limit</name><value><nil/></value></member></struct></value></param>' +
        '</params></methodCall>';
      const n = await ok(xmlrpcRaw(sb.url, '/xmlrpc/2/object', xml));
      assert.ok(n > 0);
    });
    it('escapes entities and strips control characters from strings', async () => {
      const id = await ok(kw(admin, 'res.partner', 'create', [{ name: 'A&B <Trading> \u0001Co' }]));
      const r = await request(sb.url, '/xmlrpc/2/object', {
        body: `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params><param><value>demo</value></param><param><value><int>${admin.uid}</int></value></param><param><value>admin</value></param><param><value>res.partner</value></param><param><value>read</value></param><param><value><array><data><value><array><data><value><int>${id}</int></value></data></array></value><value><array><data><value>name</value></data></array></value></data></array></value></param></params></methodCall>`,
      });
      assert.ok(r.body.includes('A&amp;B &lt;Trading&gt; Co'), r.body);
      assert.ok(!r.body.includes('\u0001'));
    });

    it('wrong password or API key: AccessDenied, fault 3, checked on every call', async () => {
      const f = await fault(obj('execute_kw', ['demo', admin.uid, 'wrong', 'res.partner', 'search', [[]]]));
      assert.deepStrictEqual([f.faultCode, f.faultString], [3, 'Access Denied']);
      const f2 = await fault(obj('execute_kw', ['demo', admin.uid, '', 'res.partner', 'search', [[]]]));
      assert.strictEqual(f2.faultCode, 3);
      assert.deepStrictEqual(await ok(obj('execute_kw', ['demo', admin.uid, admin.apiKey, 'res.partner', 'search', [[['id', '=', 1]]]])), [1]);
      const f3 = await fault(obj('execute_kw', ['demo', integ.uid, 'admin', 'res.partner', 'search', [[]]]));
      assert.strictEqual(f3.faultCode, 3);
    });
    it('unknown model: UserError, fault 2', async () => {
      const f = await fault(kw(admin, 'no.such.model', 'search', [[]]));
      assert.deepStrictEqual([f.faultCode, f.faultString], [2, "Object no.such.model doesn't exist"]);
    });
    it('private method: AccessError, fault 4', async () => {
      const f = await fault(kw(admin, 'res.partner', '_compute_display_name', [[1]]));
      assert.deepStrictEqual([f.faultCode, f.faultString], [4, "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely."]);
    });
    it('unknown method, bad domain, unknown field: fault 1 with a traceback', async () => {
      const cases: Array<[Promise<unknown>, RegExp]> = [
        [kw(admin, 'res.partner', 'no_such_method', [[]]), /\nAttributeError: The method 'res\.partner\.no_such_method' does not exist\n$/],
        [kw(admin, 'res.partner', 'search', [[['name', 'resembles', 'x']]]), /\nValueError: .*operator/i],
        [kw(admin, 'res.partner', 'search', [[['no_field', '=', 1]]]), /\nValueError: .*no_field/],
        [kw(admin, 'res.partner', 'search', ['not a domain']), /\nValueError: /],
      ];
      for (const [p, re] of cases) {
        const f = await fault(p);
        assert.strictEqual(f.faultCode, 1);
        assert.match(f.faultString, /^Traceback \(most recent call last\):\n  File "/);
        assert.match(f.faultString, re);
      }
    });
    it('wrong argument types are Python TypeErrors / ValueErrors (fault 1)', async () => {
      const cases: Array<[unknown[], RegExp]> = [
        [['demo', admin.uid, 'admin', 'res.partner', 'search', 5], /TypeError: .*argument after \* must be an iterable, not int/],
        [['demo', admin.uid, 'admin', 'res.partner', 'search', [[]], [1]], /TypeError: .*argument after \*\* must be a mapping, not list/],
        [['demo', 'abc', 'admin', 'res.partner', 'search', [[]]], /ValueError: invalid literal for int\(\) with base 10: 'abc'/],
        [['demo', admin.uid, 'admin', 'res.partner'], /TypeError: execute_kw\(\) missing 2 required positional arguments: 'method' and 'args'/],
      ];
      for (const [params, re] of cases) {
        const f = await fault(obj('execute_kw', params));
        assert.strictEqual(f.faultCode, 1);
        assert.match(f.faultString, re);
      }
      const f = await fault(obj('no_such_service_method', ['demo', admin.uid, 'admin']));
      assert.match(f.faultString, /NameError: Method not available no_such_service_method/);
    });
    it('validation errors are fault 2, and a failing call changes nothing', async () => {
      const before = await partnerCount();
      const f = await fault(kw(admin, 'res.partner', 'create', [[{ name: 'Half batch' }, {}]]));
      assert.strictEqual(f.faultCode, 2);
      assert.strictEqual(await partnerCount(), before);
      assert.deepStrictEqual(await ok(kw(admin, 'res.partner', 'search', [[['name', '=', 'Half batch']]])), []);
    });
    it("the integration user's missing rights surface as AccessError, fault 4, with no change", async () => {
      const before = await partnerCount();
      const f = await fault(kw(integ, 'res.partner', 'unlink', [[1]]));
      assert.strictEqual(f.faultCode, 4);
      assert.match(f.faultString, /not allowed to delete/);
      assert.strictEqual(await partnerCount(), before);
      const tax = await fault(kw(integ, 'account.tax', 'write', [[1], { name: 'Hacked' }]));
      assert.strictEqual(tax.faultCode, 4);
      // What the integration user may do still works.
      const id = await ok(kw(integ, 'res.partner', 'create', [{ name: 'By integration' }]));
      assert.strictEqual(typeof id, 'number');
    });
    it('a method returning None: fault 1 "cannot marshal None", after the work was committed', async () => {
      const [order] = await ok(kw(admin, 'sale.order', 'search_read', [[['state', '=', 'sale'], ['locked', '=', false]]], { fields: ['id'], limit: 1 }));
      assert.ok(order, 'a confirmed unlocked order in the seed');
      const f = await fault(kw(admin, 'sale.order', 'action_lock', [[order.id]]));
      assert.strictEqual(f.faultCode, 1);
      assert.match(f.faultString, /TypeError: cannot marshal None unless allow_none is enabled\n$/);
      const [after] = await ok(kw(admin, 'sale.order', 'read', [[order.id], ['locked']]));
      assert.strictEqual(after.locked, true);
    });
    it('malformed bodies answer fault 1 with HTTP 200, never a crash', async () => {
      const bodies = ['', '<methodCall><methodName>x</methodName>', 'not xml at all', '<a></b>', '<methodResponse><params/></methodResponse>',
        '<methodCall><methodName>execute_kw</methodName><params><param><value><int>x1</int></value></param></params></methodCall>',
        '<methodCall><methodName>execute_kw</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>',
        '<methodCall><methodName>execute_kw</methodName><params><param><value><foo>1</foo></value></param></params></methodCall>',
        '<!DOCTYPE x [<!ENTITY a "b">]><methodCall/>', '<methodCall><methodName>a &bogus; b</methodName></methodCall>'];
      for (const b of bodies) {
        const r = await request(sb.url, '/xmlrpc/2/object', { body: b, headers: { 'Content-Type': 'text/xml' } });
        assert.strictEqual(r.status, 200, b);
        assert.match(String(r.headers['content-type']), /^text\/xml/);
        assert.match(r.body, /<name>faultCode<\/name>\n<value><int>1<\/int><\/value>/, b);
        assert.match(r.body, /Traceback \(most recent call last\)/);
      }
      const expat = await xmlrpcRaw(sb.url, '/xmlrpc/2/common', '<methodCall><methodName>version</methodName></params></methodCall>');
      assert.ok(expat.fault && /xml\.parsers\.expat\.ExpatError: mismatched tag: line 1, column \d+/.test(String(expat.faultString)));
      const get = await request(sb.url, '/xmlrpc/2/object');
      assert.strictEqual(get.status, 405);
      assert.strictEqual((await ok(xmlrpc(sb.url, '/xmlrpc/2/common', 'version', []))).server_version, '19.0');
    });
  });

  describe('legacy /xmlrpc/<service> (string fault codes)', () => {
    const legacy = (user: SandboxUser, password: string, model: string, method: string, args: unknown[]) =>
      xmlrpc(sb.url, '/xmlrpc/object', 'execute_kw', ['demo', user.uid, password, model, method, args]);
    it('maps each exception class to its string code', async () => {
      const missing = await fault(legacy(admin, 'admin', 'res.partner', 'read', [[999999]]));
      assert.match(missing.faultCode, /^warning -- MissingError\n\nRecord does not exist/);
      assert.strictEqual(missing.faultString, '');
      const denied = await fault(legacy(admin, 'bad', 'res.partner', 'search', [[]]));
      assert.deepStrictEqual([denied.faultCode, denied.faultString], ['AccessDenied', 'Access Denied']);
      const acc = await fault(legacy(integ, 'integration', 'res.partner', 'unlink', [[1]]));
      assert.match(acc.faultCode, /^warning -- AccessError\n\nYou are not allowed to delete/);
      const user = await fault(legacy(admin, 'admin', 'nope.model', 'search', [[]]));
      assert.deepStrictEqual([user.faultCode, user.faultString], ["warning -- UserError\n\nObject nope.model doesn't exist", '']);
      const val = await fault(legacy(admin, 'admin', 'res.partner', 'search', [[['zz', '=', 1]]]));
      assert.match(val.faultCode, /zz/);
      assert.match(val.faultString, /^Traceback[\s\S]*ValueError: /);
      assert.strictEqual((await ok(xmlrpc(sb.url, '/xmlrpc/common', 'version', []))).server_serie, '19.0');
    });
  });

  describe('the xmlrpc npm client', () => {
    const call = (path: string, method: string, params: unknown[]): Promise<any> =>
      new Promise((resolve, reject) => {
        const c = xmlrpcLib.createClient({ url: `${sb.url}${path}` });
        c.methodCall(method, params, (err, value) => (err ? reject(err) : resolve(value)));
      });
    it('authenticates, reads and receives Odoo faults', async () => {
      const uid = await call('/xmlrpc/2/common', 'authenticate', ['demo', 'integration', 'integration', {}]);
      assert.strictEqual(uid, integ.uid);
      const rows = await call('/xmlrpc/2/object', 'execute_kw', ['demo', uid, 'integration', 'product.product', 'search_read', [[]], { fields: ['name', 'list_price'], limit: 5 }]);
      assert.strictEqual(rows.length, 5);
      assert.strictEqual(typeof rows[0].list_price, 'number');
      await assert.rejects(call('/xmlrpc/2/object', 'execute_kw', ['demo', uid, 'integration', 'res.partner', 'unlink', [[1]]]), (e: any) => e.faultCode === 4);
      await assert.rejects(call('/xmlrpc/2/object', 'execute_kw', ['demo', uid, 'nope', 'res.partner', 'search', [[]]]), (e: any) => e.faultCode === 3);
      // The npm client sends null as <nil/>, which Odoo's parser accepts.
      const n = await call('/xmlrpc/2/object', 'execute_kw', ['demo', uid, 'integration', 'res.partner', 'search_count', [[]], { limit: null }]);
      assert.ok(n > 0);
    });
  });

  describe('JSON-RPC /jsonrpc', () => {
    it('serves common and object', async () => {
      const v = await jsonrpc(sb.url, 'common', 'version', [], 7);
      assert.strictEqual(v.id, 7);
      assert.strictEqual(v.result.server_version, '19.0');
      const uid = await jsonrpc(sb.url, 'common', 'authenticate', ['demo', 'admin', 'admin', {}]);
      assert.strictEqual(uid.result, admin.uid);
      const bad = await jsonrpc(sb.url, 'common', 'authenticate', ['demo', 'admin', 'x', {}]);
      assert.strictEqual(bad.result, false);
      const rows = await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', admin.uid, 'admin', 'res.partner', 'search_read', [[['id', '=', 1]]], { fields: ['name'] }]);
      assert.strictEqual(rows.result[0].id, 1);
    });
    it("errors: HTTP 200, code 0 on 19, 'Odoo Server Error', data.name per class", async () => {
      const cases: Array<[unknown[], string]> = [
        [['demo', admin.uid, 'nope', 'res.partner', 'search', [[]]], 'odoo.exceptions.AccessDenied'],
        [['demo', integ.uid, 'integration', 'res.partner', 'unlink', [[1]]], 'odoo.exceptions.AccessError'],
        [['demo', admin.uid, 'admin', 'res.partner', '_private', [[]]], 'odoo.exceptions.AccessError'],
        [['demo', admin.uid, 'admin', 'nope.model', 'search', [[]]], 'odoo.exceptions.UserError'],
        [['demo', admin.uid, 'admin', 'res.partner', 'read', [[999999]]], 'odoo.exceptions.MissingError'],
        [['demo', admin.uid, 'admin', 'res.partner', 'create', [{}]], 'odoo.exceptions.ValidationError'],
        [['demo', admin.uid, 'admin', 'res.partner', 'search', [[['zz', '=', 1]]]], 'builtins.ValueError'],
        [['demo', admin.uid, 'admin', 'res.partner', 'nope', [[]]], 'builtins.AttributeError'],
      ];
      for (const [args, name] of cases) {
        const r = await jsonrpc(sb.url, 'object', 'execute_kw', args, 'abc');
        assert.strictEqual(r.id, 'abc');
        assert.ok(!('result' in r));
        assert.strictEqual(r.error.code, 0);
        assert.strictEqual(r.error.message, 'Odoo Server Error');
        assert.strictEqual(r.error.data.name, name, JSON.stringify(r.error.data.message));
        assert.strictEqual(typeof r.error.data.message, 'string');
        assert.deepStrictEqual(r.error.data.arguments, [r.error.data.message]);
        assert.deepStrictEqual(r.error.data.context, {});
        assert.strictEqual(typeof r.error.data.debug, 'string');
      }
    });
    it('a None result leaves out the result key', async () => {
      const [order] = (await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', admin.uid, 'admin', 'sale.order', 'search_read', [[['state', '=', 'sale'], ['locked', '=', false]]], { fields: ['id'], limit: 1 }])).result;
      const r = await jsonrpc(sb.url, 'object', 'execute_kw', ['demo', admin.uid, 'admin', 'sale.order', 'action_lock', [[order.id]]], 9);
      assert.deepStrictEqual(r, { jsonrpc: '2.0', id: 9 });
    });
    it('malformed bodies: 400 for unparsable JSON, an error object for bad params', async () => {
      const r = await request(sb.url, '/jsonrpc', { body: '{not json', headers: { 'Content-Type': 'application/json' } });
      assert.deepStrictEqual([r.status, r.body], [400, 'Invalid JSON data']);
      const r2 = await request(sb.url, '/jsonrpc', { body: '[1,2]', headers: { 'Content-Type': 'application/json' } });
      assert.deepStrictEqual([r2.status, r2.body], [400, 'Invalid JSON-RPC data']);
      const r3 = await request(sb.url, '/jsonrpc', { body: JSON.stringify({ jsonrpc: '2.0', id: 1, params: { service: 'object' } }), headers: { 'Content-Type': 'application/json' } });
      assert.strictEqual(r3.status, 200);
      assert.strictEqual(JSON.parse(r3.body).error.data.name, 'builtins.TypeError');
      const r4 = await jsonrpc(sb.url, 'nosuchservice', 'x', []);
      assert.strictEqual(r4.error.data.name, 'builtins.KeyError');
    });
  });

  describe('JSON-2 /json/2/<model>/<method>', () => {
    it('named arguments, ids and context; bare JSON results; create answers a list', async () => {
      const rows = await json2(sb.url, 'res.partner', 'search_read', { domain: [['is_company', '=', true]], fields: ['name'], limit: 2 }, admin.apiKey);
      assert.strictEqual(rows.status, 200);
      assert.ok(Array.isArray(rows.json) && rows.json.length === 2 && typeof rows.json[0].id === 'number');
      const created = await json2(sb.url, 'res.partner', 'create', { vals_list: { name: 'JSON-2 single' } }, integ.apiKey);
      assert.strictEqual(created.status, 200);
      assert.ok(Array.isArray(created.json) && created.json.length === 1);
      const id = created.json[0];
      const w = await json2(sb.url, 'res.partner', 'write', { ids: [id], vals: { name: 'JSON-2 renamed' } }, admin.apiKey);
      assert.deepStrictEqual([w.status, w.json], [200, true]);
      const read = await json2(sb.url, 'res.partner', 'read', { ids: [id], fields: ['name'] }, admin.apiKey);
      assert.deepStrictEqual(read.json, [{ id, name: 'JSON-2 renamed' }]);
      await json2(sb.url, 'res.partner', 'write', { ids: [id], vals: { active: false } }, admin.apiKey);
      const hidden = await json2(sb.url, 'res.partner', 'search', { domain: [['id', '=', id]] }, admin.apiKey);
      assert.deepStrictEqual(hidden.json, []);
      const shown = await json2(sb.url, 'res.partner', 'search', { domain: [['id', '=', id]], context: { active_test: false } }, admin.apiKey);
      assert.deepStrictEqual(shown.json, [id]);
      const dbOk = await json2(sb.url, 'res.partner', 'search_count', { domain: [] }, admin.apiKey, { 'X-Odoo-Database': 'demo' });
      assert.strictEqual(dbOk.status, 200);
      const scheme = await request(sb.url, '/json/2/res.partner/search_count', { body: '{"domain": []}', headers: { Authorization: `BEARER ${admin.apiKey}` } });
      assert.strictEqual(scheme.status, 200);
      assert.strictEqual(typeof JSON.parse(scheme.body), 'number');
    });
    it('401 with WWW-Authenticate for a missing or invalid key (passwords are not keys)', async () => {
      for (const key of [null, 'wrong-key', 'admin']) {
        const r = await json2(sb.url, 'res.partner', 'search', { domain: [] }, key);
        assert.strictEqual(r.status, 401);
        assert.strictEqual(r.headers['www-authenticate'], 'bearer');
        assert.strictEqual(r.json.name, 'werkzeug.exceptions.Unauthorized');
      }
    });
    it('status codes and error bodies per exception', async () => {
      const cases: Array<[string, string, unknown, string, number, string]> = [
        ['no.model', 'search', { domain: [] }, admin.apiKey, 404, 'werkzeug.exceptions.NotFound'],
        ['res.partner', 'no_method', {}, admin.apiKey, 404, 'werkzeug.exceptions.NotFound'],
        ['res.partner', 'search', { domain: [], bogus: 1 }, admin.apiKey, 422, 'werkzeug.exceptions.UnprocessableEntity'],
        ['res.partner', 'search', { ids: [1], domain: [] }, admin.apiKey, 422, 'werkzeug.exceptions.UnprocessableEntity'],
        ['res.partner', 'unlink', { ids: [1] }, integ.apiKey, 403, 'odoo.exceptions.AccessError'],
        ['res.partner', '_private', {}, admin.apiKey, 403, 'odoo.exceptions.AccessError'],
        ['res.partner', 'read', { ids: [999999], fields: ['name'] }, admin.apiKey, 404, 'odoo.exceptions.MissingError'],
        ['res.partner', 'create', { vals_list: [{}] }, admin.apiKey, 422, 'odoo.exceptions.ValidationError'],
        ['sale.order', 'action_confirm', { ids: [] }, admin.apiKey, 200, ''],
        ['res.partner', 'search', { domain: [['zz', '=', 1]] }, admin.apiKey, 500, 'builtins.ValueError'],
      ];
      for (const [model, method, body, key, status, name] of cases) {
        const r = await json2(sb.url, model, method, body, key);
        assert.strictEqual(r.status, status, `${model}.${method}: ${r.body}`);
        if (status === 200) continue;
        assert.strictEqual(r.json.name, name, r.body);
        assert.deepStrictEqual(Object.keys(r.json).sort(), ['arguments', 'context', 'debug', 'message', 'name']);
      }
    });
    it('a UserError is 422', async () => {
      const [order] = (await json2(sb.url, 'sale.order', 'search_read', { domain: [['state', '=', 'sale']], fields: ['id'], limit: 1 }, admin.apiKey)).json;
      const r = await json2(sb.url, 'sale.order', 'action_confirm', { ids: [order.id] }, admin.apiKey);
      assert.strictEqual(r.status, 422);
      assert.strictEqual(r.json.name, 'odoo.exceptions.UserError');
    });
    it('400 for an unparsable or non-object body; 404 for other paths and a wrong database; 405 for GET', async () => {
      const bad = await request(sb.url, '/json/2/res.partner/search', { body: '{"domain": [', headers: { Authorization: `bearer ${admin.apiKey}` } });
      assert.strictEqual(bad.status, 400);
      assert.strictEqual(JSON.parse(bad.body).name, 'werkzeug.exceptions.BadRequest');
      const arr = await request(sb.url, '/json/2/res.partner/search', { body: '[1]', headers: { Authorization: `bearer ${admin.apiKey}` } });
      assert.strictEqual(arr.status, 400);
      const other = await request(sb.url, '/json/2/res.partner', { body: '{}', headers: { Authorization: `bearer ${admin.apiKey}` } });
      assert.strictEqual(other.status, 404);
      assert.match(JSON.parse(other.body).message, /Did you mean POST \/json\/2\/<model>\/<method>\?/);
      const db = await json2(sb.url, 'res.partner', 'search', { domain: [] }, admin.apiKey, { 'X-Odoo-Database': 'other' });
      assert.strictEqual(db.status, 404);
      const get = await request(sb.url, '/json/2/res.partner/search', { headers: { Authorization: `bearer ${admin.apiKey}` } });
      assert.strictEqual(get.status, 405);
    });
  });

  describe('HTTP', () => {
    it('GET /web/version and 404 elsewhere', async () => {
      const v = await request(sb.url, '/web/version');
      assert.deepStrictEqual(JSON.parse(v.body), { version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' });
      const nf = await request(sb.url, '/nope', { method: 'POST', body: '{}' });
      assert.strictEqual(nf.status, 404);
      const nf2 = await request(sb.url, '/xmlrpc/2/a/b', { body: '<x/>' });
      assert.strictEqual(nf2.status, 404);
    });
    it('keeps connections alive across calls on every protocol', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const reused: boolean[] = [];
        for (let i = 0; i < 3; i++) {
          reused.push((await request(sb.url, '/xmlrpc/2/common', { body: "<?xml version='1.0'?><methodCall><methodName>version</methodName></methodCall>", agent })).reusedSocket);
          reused.push((await request(sb.url, '/jsonrpc', { body: JSON.stringify({ params: { service: 'common', method: 'version', args: [] } }), agent })).reusedSocket);
          reused.push((await request(sb.url, '/json/2/res.partner/search_count', { body: '{"domain": []}', headers: { Authorization: `bearer ${admin.apiKey}` }, agent })).reusedSocket);
        }
        assert.deepStrictEqual(reused, [false, true, true, true, true, true, true, true, true]);
        // Faults and errors keep the connection too.
        const f = await request(sb.url, '/json/2/res.partner/search', { body: '{}', headers: { Authorization: 'bearer nope' }, agent });
        assert.deepStrictEqual([f.status, f.reusedSocket], [401, true]);
      } finally {
        agent.destroy();
      }
    });
  });
});
