import assert from 'assert';
import { startCrmSandbox, type CrmSandbox } from '../../../sandbox/crm/server';
import { HubSpotClient } from '../../../lib/crm/hubspot';
import { CrmRateLimitError, CrmValidationError, CrmConflictError, CrmAuthError } from '../../../lib/crm/errors';
import type { CanonicalEvent, PollCursor } from '../../../lib/crm/types';

describe('crm HubSpot client against the CRM sandbox', () => {
  let sb: CrmSandbox;
  let client: HubSpotClient;
  before(async () => {
    sb = await startCrmSandbox({ port: 0, quiet: true, rateLimit: false });
    client = new HubSpotClient({ provider: 'hubspot', url: sb.url, token: sb.token, secret: sb.secret });
  });
  after(async () => {
    client.close();
    await sb.close();
  });

  it('hydrates webhook events with batch read and v4 associations; missing records stay null', async () => {
    const deal = sb.seed.deals.D001;
    const events: CanonicalEvent[] = [
      { provider: 'hubspot', objectType: 'deal', action: 'stage_changed', crmId: deal, occurredAt: '', eventId: '1', changes: {}, record: null },
      { provider: 'hubspot', objectType: 'deal', action: 'updated', crmId: '999999', occurredAt: '', eventId: '2', changes: {}, record: null },
      { provider: 'hubspot', objectType: 'company', action: 'deleted', crmId: sb.seed.companies.C001, occurredAt: '', eventId: '3', changes: {}, record: null },
    ];
    const out = await client.hydrate(events, { properties: ['dealname', 'dealstage', 'amount'], associations: ['company', 'line_item'] });
    assert.strictEqual(out[0].record?.properties.dealname, 'Ace Hardware Outlet - spring restock');
    assert.deepStrictEqual(out[0].record?.associations?.company, [sb.seed.companies.C001]);
    assert.strictEqual(out[0].record?.associations?.line_item?.length, 3);
    assert.strictEqual(out[1].record, null);
    assert.strictEqual(out[2].record, null);
  });

  it('update, note with default association, upsert by a unique property', async () => {
    const deal = sb.seed.deals.D002;
    const rec = await client.update('deal', deal, { odoo_order_ref: 'S00042', amount: 10 });
    assert.strictEqual(rec.properties.odoo_order_ref, 'S00042');
    const note = await client.addNote('deal', deal, 'Order S00042 confirmed', { title: 'Odoo' });
    assert.ok(sb.db.get('notes', note.id)?.properties.hs_note_body.includes('Order S00042 confirmed'));
    assert.deepStrictEqual(sb.db.associations('notes', note.id, 'deals').map((a) => a.toId), [deal]);
    const created = await client.upsert('company', 'odoo_partner_id', '4711', { name: 'Upserted Co' });
    assert.strictEqual(created.created, true);
    const again = await client.upsert('company', 'odoo_partner_id', '4711', { city: 'Bremen' });
    assert.strictEqual(again.created, false);
    assert.strictEqual(again.record.id, created.record.id);
    assert.strictEqual(sb.db.get('companies', created.record.id)?.properties.city, 'Bremen');
  });

  it('typed errors: validation (field), conflict, auth', async () => {
    await assert.rejects(client.update('deal', sb.seed.deals.D002, { dealstage: 'nope' }), (e: unknown) =>
      e instanceof CrmValidationError && e.cause.field === 'dealstage' && e.cause.retryable === false && e.cause.status === 400 && e.code === 'CrmValidationError');
    await client.upsert('company', 'odoo_partner_id', '5000', { name: 'A' });
    await assert.rejects(client.update('company', sb.seed.companies.C002, { odoo_partner_id: '5000' }), CrmConflictError);
    const bad = new HubSpotClient({ provider: 'hubspot', url: sb.url, token: 'wrong' });
    await assert.rejects(bad.update('deal', '1', { amount: 1 }), (e: unknown) => e instanceof CrmAuthError && e.cause.status === 401);
    bad.close();
  });

  it('429: retries after Retry-After, and fails typed+retryable when retries are exhausted', async () => {
    sb.injectFault({ status: 429, count: 2, retryAfter: 0 });
    const before = sb.stats().faults;
    const rec = await client.update('deal', sb.seed.deals.D003, { odoo_stock_status: 'partial' });
    assert.strictEqual(rec.properties.odoo_stock_status, 'partial');
    assert.strictEqual(sb.stats().faults - before, 2);
    const strict = new HubSpotClient({ provider: 'hubspot', url: sb.url, token: sb.token, maxRetries: 1 });
    sb.injectFault({ status: 429, count: 2, retryAfter: 1 });
    await assert.rejects(strict.update('deal', sb.seed.deals.D003, { odoo_stock_status: 'x' }), (e: unknown) =>
      e instanceof CrmRateLimitError && e.cause.retryable === true && e.cause.retryAfterMs === 1000 && e.cause.attempts === 2);
    strict.close();
  });

  it('honours the sandbox rate limit with the client-side limiter', async () => {
    const limited = await startCrmSandbox({ port: 0, quiet: true, empty: true, rateLimit: { max: 5, intervalMs: 500 } });
    const c = new HubSpotClient({ provider: 'hubspot', url: limited.url, token: limited.token, rateLimit: { max: 5, intervalMs: 800 } });
    try {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => c.upsert('company', 'odoo_partner_id', `rl-${i}`, { name: `RL ${i}` })));
      assert.strictEqual(results.length, 12);
      assert.strictEqual(limited.stats().rateLimited, 0);
    } finally {
      c.close();
      await limited.close();
    }
  });

  it('polls with paging; a restart from the stored cursor skips and repeats nothing', async () => {
    const sbx = await startCrmSandbox({ port: 0, quiet: true, empty: true, rateLimit: false });
    const c = new HubSpotClient({ provider: 'hubspot', url: sbx.url, token: sbx.token });
    try {
      const start = Date.now() - 1;
      for (let i = 0; i < 23; i++) sbx.createRecord('companies', { name: `Co ${i}` });
      const seen: string[] = [];
      let cursor: PollCursor = { since: start, idsAtSince: [] };
      // first "run": two pages, then the process dies (cursor persisted after each page)
      for (let p = 0; p < 2; p++) {
        const page = await c.poll('company', cursor, { pageSize: 5 });
        seen.push(...page.events.map((e) => e.crmId));
        cursor = JSON.parse(JSON.stringify(page.cursor));
      }
      // changes while down: an update of an already-seen record and of an unseen one
      sbx.updateRecord('companies', seen[0], { city: 'Later' });
      const all = sbx.db.all('companies').map((r) => r.id);
      sbx.updateRecord('companies', all[20], { city: 'Later' });
      // second "run" from the stored cursor
      let more = true;
      const second: CanonicalEvent[] = [];
      while (more) {
        const page = await c.poll('company', cursor, { pageSize: 5 });
        second.push(...page.events);
        cursor = page.cursor;
        more = page.more;
      }
      seen.push(...second.map((e) => e.crmId));
      const created = seen.filter((id, i) => seen.indexOf(id) === i);
      assert.deepStrictEqual(created.sort(), all.slice().sort(), 'every record seen');
      // the only repeat is the seen record changed again (an update with a new event id)
      const repeats = seen.filter((id, i) => seen.indexOf(id) !== i).sort();
      assert.deepStrictEqual(repeats, [seen[0]]);
      const updates = second.filter((e) => e.action === 'updated').map((e) => e.crmId).sort();
      assert.deepStrictEqual(updates, [seen[0], all[20]].sort());
      const ids = second.map((e) => e.eventId);
      assert.strictEqual(new Set(ids).size, ids.length);
      const empty = await c.poll('company', cursor, { pageSize: 5 });
      assert.strictEqual(empty.events.length, 0);
      assert.strictEqual(empty.more, false);
    } finally {
      c.close();
      await sbx.close();
    }
  });

  it('polls through more same-millisecond records than a page holds', async () => {
    const sbx = await startCrmSandbox({ port: 0, quiet: true, empty: true, rateLimit: false });
    const c = new HubSpotClient({ provider: 'hubspot', url: sbx.url, token: sbx.token });
    try {
      const at = Date.now() - 10_000;
      for (let i = 0; i < 12; i++) sbx.db.create('companies', { name: `Same ${i}` }, 'IMPORT', at);
      let cursor: PollCursor = { since: at - 1, idsAtSince: [] };
      const seen: string[] = [];
      for (let guard = 0; guard < 10; guard++) {
        const page = await c.poll('company', cursor, { pageSize: 5 });
        seen.push(...page.events.map((e) => e.crmId));
        cursor = page.cursor;
        if (!page.more) break;
      }
      assert.strictEqual(seen.length, 12);
      assert.strictEqual(new Set(seen).size, 12);
    } finally {
      c.close();
      await sbx.close();
    }
  });
});
