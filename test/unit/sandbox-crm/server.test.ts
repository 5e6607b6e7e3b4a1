import assert from 'assert';
import http from 'http';
import type { AddressInfo } from 'net';
import { startCrmSandbox, type CrmSandbox } from '../../../sandbox/crm/server';
import { hubspotSignatureV3 } from '../../../lib/crm/hubspot';

describe('CRM sandbox (HubSpot subset)', () => {
  let sb: CrmSandbox;
  const H = () => ({ authorization: `Bearer ${sb.token}`, 'content-type': 'application/json' });
  const api = (path: string, init: RequestInit = {}) => fetch(sb.url + path, { ...init, headers: { ...H(), ...(init.headers ?? {}) } });
  before(async () => { sb = await startCrmSandbox({ port: 0, quiet: true, rateLimit: { max: 1000, intervalMs: 10_000 }, webhooks: { retryDelaysMs: [20, 20, 20], batchDelayMs: 5, timeoutMs: 500 } }); });
  after(async () => { await sb.close(); });

  it('seeds the Odoo customers with deliberate differences', () => {
    const names = sb.db.all('companies').map((c) => c.properties.name);
    assert.ok(names.includes('Quincaillerie Dupond'));
    assert.ok(!names.includes('Gent Techniek BV'));
    assert.strictEqual(names.filter((n) => n.startsWith('Thames Trade Supplies')).length, 2);
    assert.strictEqual(sb.db.get('deals', sb.seed.deals.D001)?.properties.dealstage, 'contractsent');
    assert.strictEqual(sb.db.associations('deals', sb.seed.deals.D001, 'line_items').length, 3);
  });

  it('401 without or with a wrong token, in HubSpot\'s shape', async () => {
    const r = await fetch(`${sb.url}/crm/v3/objects/companies`);
    assert.strictEqual(r.status, 401);
    assert.strictEqual((await r.json()).category, 'INVALID_AUTHENTICATION');
    assert.strictEqual((await fetch(`${sb.url}/crm/v3/objects/companies`, { headers: { authorization: 'Bearer nope' } })).status, 401);
  });

  it('search: filter groups, operators, sorting, paging and limits', async () => {
    const search = async (body: unknown) => { const r = await api('/crm/v3/objects/companies/search', { method: 'POST', body: JSON.stringify(body) }); return { status: r.status, body: await r.json() }; };
    const de = await search({ filterGroups: [{ filters: [{ propertyName: 'country', operator: 'EQ', value: 'germany' }] }], properties: ['name'], limit: 2 });
    assert.strictEqual(de.body.total, 4);
    assert.strictEqual(de.body.results.length, 2);
    assert.strictEqual(de.body.paging.next.after, '2');
    const or = await search({ filterGroups: [{ filters: [{ propertyName: 'city', operator: 'IN', values: ['Hamburg', 'Lyon'] }] }, { filters: [{ propertyName: 'vat', operator: 'NOT_HAS_PROPERTY' }, { propertyName: 'country', operator: 'EQ', value: 'Germany' }] }], properties: ['name'], sorts: [{ propertyName: 'name', direction: 'DESCENDING' }] });
    const names = or.body.results.map((r: any) => r.properties.name);
    assert.deepStrictEqual(names, [...names].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())).reverse());
    assert.ok(names.includes('Bauwerk Mueller GmbH'));
    const tok = await search({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'brico*' }] }] });
    assert.strictEqual(tok.body.total, 2);
    assert.strictEqual((await search({ limit: 201 })).status, 400);
    assert.strictEqual((await search({ filterGroups: [{ filters: [{ propertyName: 'nope', operator: 'EQ', value: 1 }] }] })).status, 400);
  });

  it('429 with Retry-After over the rate limit', async () => {
    const tight = await startCrmSandbox({ port: 0, quiet: true, empty: true, rateLimit: { max: 2, intervalMs: 60_000 } });
    try {
      const get = () => fetch(`${tight.url}/crm/v3/objects/deals`, { headers: { authorization: `Bearer ${tight.token}` } });
      assert.strictEqual((await get()).status, 200);
      assert.strictEqual((await get()).status, 200);
      const r = await get();
      assert.strictEqual(r.status, 429);
      assert.ok(Number(r.headers.get('retry-after')) >= 59);
      assert.strictEqual((await r.json()).errorType, 'RATE_LIMIT');
    } finally { await tight.close(); }
  });

  it('delivers signed webhook batches; retries 5xx with attemptNumber, never 4xx', async () => {
    const seen: Array<{ status: number; body: any }> = [];
    let answers = [503, 200];
    const recv = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        const url = `http://127.0.0.1:${(recv.address() as AddressInfo).port}${req.url}`;
        const ok = req.headers['x-hubspot-signature-v3'] === hubspotSignatureV3(sb.secret, 'POST', url, b, String(req.headers['x-hubspot-request-timestamp']));
        const status = ok ? answers.shift() ?? 200 : 401;
        seen.push({ status, body: JSON.parse(b) });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => recv.listen(0, '127.0.0.1', () => r()));
    const sub = sb.subscribe(`http://127.0.0.1:${(recv.address() as AddressInfo).port}/hook?x=1`, ['deal.propertyChange:dealstage', 'company.creation']);
    try {
      sb.updateRecord('deals', sb.seed.deals.D004, { dealstage: 'qualifiedtobuy', amount: 5 });
      await new Promise((r) => setTimeout(r, 300));
      await sb.flushWebhooks();
      assert.deepStrictEqual(seen.map((s) => s.status), [503, 200]);
      assert.deepStrictEqual(seen.map((s) => s.body[0].attemptNumber), [0, 1]);
      assert.strictEqual(seen[0].body.length, 1, 'only the subscribed property');
      assert.strictEqual(seen[0].body[0].propertyName, 'dealstage');
      answers = [400];
      sb.createRecord('companies', { name: 'Four Hundred Ltd' });
      await new Promise((r) => setTimeout(r, 300));
      await sb.flushWebhooks();
      assert.strictEqual(seen.length, 3);
      const last = sb.deliveries().filter((d) => d.subscriptionId === sub.id).pop()!;
      assert.strictEqual(last.state, 'failed');
      assert.strictEqual(last.attempts.length, 1);
    } finally {
      sb.unsubscribe(sub.id);
      recv.close();
    }
  });
});
