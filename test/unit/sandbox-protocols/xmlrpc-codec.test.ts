/** The sandbox's XML-RPC codec: parsing what Python and the npm client send, serialising like Odoo. */
import assert from 'assert';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const npmSerializer = require('xmlrpc/lib/serializer') as { serializeMethodCall(m: string, p: unknown[]): string };
import { PythonError } from '../../../sandbox/odoo/exceptions';
import { dumpFault, dumpMethodCall, dumpResponse, MarshalError, parseMethodCall, parseMethodResponse } from '../../../sandbox/odoo/protocols/xmlrpc-codec';

const call = (inner: string) => `<?xml version='1.0'?>\n<methodCall>\n<methodName>m</methodName>\n<params>\n${inner}</params>\n</methodCall>\n`;
const param = (v: string) => `<param>\n<value>${v}</value>\n</param>\n`;
const one = (v: string) => parseMethodCall(call(param(v))).params[0];

describe('XML-RPC codec', () => {
  it('parses every scalar type the way Python does', () => {
    assert.strictEqual(one('<int>42</int>'), 42);
    assert.strictEqual(one('<i4>-7</i4>'), -7);
    assert.strictEqual(one('<i8>9007199254740991</i8>'), 9007199254740991);
    assert.strictEqual(one('<ex:i8>5</ex:i8>'), 5);
    assert.strictEqual(one('<double>2.5</double>'), 2.5);
    assert.strictEqual(one('<double>-1e-3</double>'), -0.001);
    assert.strictEqual(one('<boolean>1</boolean>'), true);
    assert.strictEqual(one('<boolean>0</boolean>'), false);
    assert.strictEqual(one('<string>a b</string>'), 'a b');
    assert.strictEqual(one('<string/>'), '');
    assert.strictEqual(one('untyped  text'), 'untyped  text');
    assert.strictEqual(one(''), '');
    assert.strictEqual(one('<nil/>'), null);
    assert.strictEqual(one('<ex:nil/>'), null);
    assert.strictEqual(one('<dateTime.iso8601>20240131T08:05:09</dateTime.iso8601>'), '2024-01-31 08:05:09');
    assert.strictEqual(one('<dateTime.iso8601>2024-01-31T08:05:09Z</dateTime.iso8601>'), '2024-01-31 08:05:09');
    assert.strictEqual(one('<base64>\n aGVsbG8=\n</base64>'), 'aGVsbG8=');
    assert.strictEqual(one('  <int> 3 </int>  '), 3);
  });
  it('parses structs and arrays, nested, and keeps a "__proto__" key as data', () => {
    const v = one('<struct><member><name>a</name><value><array><data><value><int>1</int></value><value>x</value><value><struct/></value></data></array></value></member>' +
      '<member><name>__proto__</name><value><boolean>1</boolean></value></member><member>\n<name>e</name>\n<value><array><data/></array></value>\n</member></struct>') as Record<string, unknown>;
    assert.deepStrictEqual(v.a, [1, 'x', {}]);
    assert.deepStrictEqual(v.e, []);
    assert.ok(Object.prototype.hasOwnProperty.call(v, '__proto__'));
    assert.strictEqual(Object.getPrototypeOf(v), Object.prototype);
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
  });
  it('decodes entities, character references, CDATA and comments; normalises CRLF', () => {
    assert.strictEqual(one('<string>&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#233;&#x20AC;</string>'), '<a> & "b" \'c\' é€');
    assert.strictEqual(one('<string><![CDATA[<raw> & stuff]]></string>'), '<raw> & stuff');
    assert.strictEqual(one('<string>a<!-- hidden -->b</string>'), 'ab');
    assert.strictEqual(one('<string>l1\r\nl2</string>'), 'l1\nl2');
  });
  it('parses a call without params and what the npm xmlrpc client sends', () => {
    assert.deepStrictEqual(parseMethodCall('<methodCall><methodName>version</methodName></methodCall>'), { methodName: 'version', params: [] });
    assert.deepStrictEqual(parseMethodCall('<methodCall><methodName>version</methodName><params/></methodCall>'), { methodName: 'version', params: [] });
    const xml = npmSerializer.serializeMethodCall('execute_kw', ['demo', 2, 'pw', 'res.partner', 'search_read', [[['name', 'ilike', 'a&b<']]], { fields: ['name'], limit: 5, active: true, ratio: 0.5, none: null }]);
    assert.deepStrictEqual(parseMethodCall(xml), {
      methodName: 'execute_kw',
      params: ['demo', 2, 'pw', 'res.partner', 'search_read', [[['name', 'ilike', 'a&b<']]], { fields: ['name'], limit: 5, active: true, ratio: 0.5, none: null }],
    });
  });
  it('reports malformed XML as ExpatError and non-XML-RPC as ResponseError', () => {
    const expat = (s: string, re: RegExp) =>
      assert.throws(() => parseMethodCall(s), (e: unknown) => e instanceof PythonError && e.pythonName === 'xml.parsers.expat.ExpatError' && re.test(e.message));
    expat('', /^no element found: line 1, column 0$/);
    expat('<methodCall><methodName>a</methodName>', /^no element found/);
    expat('<a></b>', /^mismatched tag: line 1, column 3$/);
    expat('<a>x &nope; y</a>', /^undefined entity/);
    expat('<a>x & y</a>', /^not well-formed/);
    expat('hello', /^syntax error/);
    expat('<a/><b/>', /^junk after document element/);
    expat('<!DOCTYPE a [<!ENTITY x "y">]><a/>', /^syntax error/);
    expat('<methodCall>\n<methodName>m</methodName>\n</params></methodCall>', /^mismatched tag: line 3, column 0$/);
    const resp = (s: string) => assert.throws(() => parseMethodCall(s), (e: unknown) => e instanceof PythonError && e.pythonName === 'xmlrpc.client.ResponseError');
    resp('<methodResponse/>');
    resp(call(param('<foo>1</foo>')));
    resp('<methodCall><params/></methodCall>');
    assert.throws(() => one('<int>1.5</int>'), /invalid literal for int\(\) with base 10: '1\.5'/);
    assert.throws(() => one('<boolean>true</boolean>'), /bad boolean value/);
    assert.throws(() => one('<double>abc</double>'), /could not convert string to float: 'abc'/);
  });
  it('serialises like Python: int, double, boolean, string, array, struct; escapes and strips control characters', () => {
    const xml = dumpResponse({ id: 7, price: 12.5, big: 3e10, ok: false, name: 'A&B <x>\u0001\u0008\tz', tags: [1, 'two'], empty: [] });
    assert.ok(xml.startsWith("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n"));
    assert.ok(xml.includes('<name>id</name>\n<value><int>7</int></value>'));
    assert.ok(xml.includes('<value><double>12.5</double></value>'));
    assert.ok(xml.includes('<value><double>30000000000.0</double></value>'));
    assert.ok(xml.includes('<value><boolean>0</boolean></value>'));
    assert.ok(xml.includes('<value><string>A&amp;B &lt;x&gt;\tz</string></value>'));
    assert.ok(xml.includes('<value><array><data>\n<value><int>1</int></value>\n<value><string>two</string></value>\n</data></array></value>'));
    assert.deepStrictEqual(parseMethodResponse(xml), { fault: false, value: { id: 7, price: 12.5, big: 3e10, ok: false, name: 'A&B <x>\tz', tags: [1, 'two'], empty: [] } });
  });
  it('never marshals None, anywhere in the value', () => {
    for (const v of [null, undefined, [1, null], { a: { b: [null] } }]) {
      assert.throws(() => dumpResponse(v), (e: unknown) => e instanceof MarshalError && e.message === 'cannot marshal None unless allow_none is enabled');
    }
    // An undefined struct member is left out (it does not exist in Python).
    assert.deepStrictEqual(parseMethodResponse(dumpResponse({ a: 1, b: undefined })), { fault: false, value: { a: 1 } });
  });
  it('serialises faults with int and string codes', () => {
    assert.deepStrictEqual(parseMethodResponse(dumpFault(2, 'No <way>')), { fault: true, faultCode: 2, faultString: 'No <way>' });
    assert.deepStrictEqual(parseMethodResponse(dumpFault('warning -- UserError\n\nx', '')), { fault: true, faultCode: 'warning -- UserError\n\nx', faultString: '' });
  });
  it('round-trips a methodCall with nil', () => {
    assert.deepStrictEqual(parseMethodCall(dumpMethodCall('x', [null, [1, { a: null }], 'é'])), { methodName: 'x', params: [null, [1, { a: null }], 'é'] });
  });
});
