import assert from 'assert';
import fs from 'fs';
import path from 'path';
import crypto from 'crypto';
import { createCrmClient } from '../../../lib/crm';
import { hubspotSignatureV3, normalizeHubSpotEvent } from '../../../lib/crm/hubspot';
import { genericSignature } from '../../../lib/crm/generic';
import { salesforceAck } from '../../../lib/crm/salesforce';
import { WebhookAuthError, WebhookPayloadError } from '../../../lib/crm/errors';
import type { WebhookRequest } from '../../../lib/crm/types';

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'crm');
const fixture = (p: string) => fs.readFileSync(path.join(FIX, p));

function expectAuthError(fn: () => void, match: RegExp) {
  assert.throws(fn, (e: unknown) => e instanceof WebhookAuthError && match.test((e as Error).message) && (e as WebhookAuthError).code === 'WebhookAuthError');
}

describe('crm webhooks: HubSpot v3 signatures', () => {
  const secret = 'hs-client-secret';
  const client = createCrmClient({ provider: 'hubspot', url: 'http://127.0.0.1:1', secret });
  const url = 'https://bridge.example.com/crm/hubspot?portal=1';
  const body = JSON.stringify([{ eventId: 101, subscriptionId: 1, portalId: 62515, appId: 1, occurredAt: 1714644930000, subscriptionType: 'deal.propertyChange', attemptNumber: 0, objectId: 1109, changeSource: 'CRM_UI', propertyName: 'dealstage', propertyValue: 'closedwon' }]);
  const now = 1_714_644_930_000;
  const signed = (over: Partial<{ ts: number; sig: string; body: string; url: string; secret: string }> = {}): WebhookRequest => {
    const ts = over.ts ?? now;
    const b = over.body ?? body;
    return {
      method: 'POST', url: over.url ?? url, rawBody: Buffer.from(b), now,
      headers: { 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-v3': over.sig ?? hubspotSignatureV3(over.secret ?? secret, 'POST', url, body, ts) },
    };
  };

  it('accepts a valid signature (computed independently)', () => {
    const expected = crypto.createHmac('sha256', secret).update(`POST${url}${body}${now}`).digest('base64');
    assert.strictEqual(hubspotSignatureV3(secret, 'POST', url, body, now), expected);
    client.verifyWebhook(signed());
  });
  it('decodes the percent-encoded characters HubSpot decodes before signing', () => {
    const encoded = 'https://bridge.example.com/crm/hubspot?email=a%40b.example';
    const sig = crypto.createHmac('sha256', secret).update(`POSThttps://bridge.example.com/crm/hubspot?email=a@b.example${body}${now}`).digest('base64');
    client.verifyWebhook({ method: 'POST', url: encoded, rawBody: Buffer.from(body), now, headers: { 'x-hubspot-request-timestamp': String(now), 'x-hubspot-signature-v3': sig } });
  });
  it('rejects a tampered body', () => {
    expectAuthError(() => client.verifyWebhook({ ...signed(), rawBody: Buffer.from(body.replace('closedwon', 'closedlost')) }), /does not match/);
  });
  it('rejects a signature made with another secret', () => {
    expectAuthError(() => client.verifyWebhook(signed({ secret: 'other' })), /does not match/);
  });
  it('rejects a different URL', () => {
    expectAuthError(() => client.verifyWebhook({ ...signed(), url: 'https://evil.example.com/crm/hubspot?portal=1' }), /does not match/);
  });
  it('rejects stale and future timestamps even when correctly signed', () => {
    expectAuthError(() => client.verifyWebhook(signed({ ts: now - 301_000 })), /stale/);
    client.verifyWebhook(signed({ ts: now - 299_000 }));
    expectAuthError(() => client.verifyWebhook(signed({ ts: now + 400_000 })), /future/);
  });
  it('rejects missing headers', () => {
    expectAuthError(() => client.verifyWebhook({ method: 'POST', url, rawBody: Buffer.from(body), headers: {}, now }), /missing X-HubSpot-Signature-v3/);
    expectAuthError(() => client.verifyWebhook({ method: 'POST', url, rawBody: Buffer.from(body), headers: { 'x-hubspot-signature-v3': 'x' }, now }), /Timestamp/);
  });
  it('parses batches into one event per item and skips unknown types', () => {
    const batch = JSON.stringify([
      { eventId: 1, subscriptionType: 'company.creation', objectId: 5, occurredAt: now, changeFlag: 'NEW' },
      { eventId: 2, subscriptionType: 'conversation.creation', objectId: 6, occurredAt: now },
      { eventId: 3, subscriptionType: 'ticket.deletion', objectId: 7, occurredAt: now },
    ]);
    const parsed = client.parseWebhook({ method: 'POST', url, headers: {}, rawBody: Buffer.from(batch) });
    assert.deepStrictEqual(parsed.events.map((e) => [e.eventId, e.objectType, e.action, e.crmId]), [['1', 'company', 'created', '5'], ['3', 'ticket', 'deleted', '7']]);
    assert.strictEqual(parsed.skipped.length, 1);
    assert.match(parsed.skipped[0].reason, /conversation.creation/);
  });
  it('malformed JSON is a WebhookPayloadError', () => {
    assert.throws(() => client.parseWebhook({ method: 'POST', url, headers: {}, rawBody: Buffer.from('[{"eventId": 1,') }), WebhookPayloadError);
  });
});

describe('crm webhooks: HubSpot normalisation of every event type', () => {
  const base = { eventId: 9, subscriptionId: 1, portalId: 1, appId: 1, occurredAt: 1714644930000, attemptNumber: 2, changeSource: 'CRM_UI' };
  const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
    [{ subscriptionType: 'company.creation', objectId: 11 }, { objectType: 'company', action: 'created', crmId: '11', changes: {} }],
    [{ subscriptionType: 'contact.propertyChange', objectId: 12, propertyName: 'email', propertyValue: 'a@b.example' }, { objectType: 'contact', action: 'updated', crmId: '12', changes: { email: { to: 'a@b.example' } } }],
    [{ subscriptionType: 'deal.propertyChange', objectId: 13, propertyName: 'dealstage', propertyValue: 'closedwon' }, { objectType: 'deal', action: 'stage_changed', crmId: '13', changes: { dealstage: { to: 'closedwon' } } }],
    [{ subscriptionType: 'ticket.propertyChange', objectId: 14, propertyName: 'hs_pipeline_stage', propertyValue: '4' }, { objectType: 'ticket', action: 'stage_changed', crmId: '14' }],
    [{ subscriptionType: 'line_item.creation', objectId: 15 }, { objectType: 'line_item', action: 'created', crmId: '15' }],
    [{ subscriptionType: 'deal.deletion', objectId: 16 }, { objectType: 'deal', action: 'deleted', crmId: '16', record: null }],
    [{ subscriptionType: 'contact.associationChange', fromObjectId: 17, toObjectId: 18, associationType: 'CONTACT_TO_COMPANY', associationRemoved: false }, { objectType: 'contact', action: 'associated', crmId: '17', association: { objectType: 'company', crmId: '18', removed: false, type: 'CONTACT_TO_COMPANY' } }],
    [{ subscriptionType: 'company.merge', primaryObjectId: 19, mergedObjectIds: [20] }, { objectType: 'company', action: 'updated', crmId: '19', changes: { mergedObjectIds: { to: [20] } } }],
    [{ subscriptionType: 'ticket.restore', objectId: 21 }, { objectType: 'ticket', action: 'created', crmId: '21' }],
  ];
  for (const [raw, want] of cases) {
    it(`${String(raw.subscriptionType)}${raw.propertyName ? ` (${String(raw.propertyName)})` : ''}`, () => {
      const ev = normalizeHubSpotEvent({ ...base, ...raw });
      assert.ok(!('reason' in ev), JSON.stringify(ev));
      for (const [k, v] of Object.entries(want)) assert.deepStrictEqual((ev as unknown as Record<string, unknown>)[k], v, k);
      assert.strictEqual((ev as { occurredAt: string }).occurredAt, '2024-05-02T10:15:30.000Z');
      assert.strictEqual((ev as { eventId: string }).eventId, '9');
      assert.strictEqual((ev as { attempt: number }).attempt, 2);
    });
  }
  it('unknown and incomplete events are skipped with a reason', () => {
    assert.match((normalizeHubSpotEvent({ ...base, subscriptionType: 'product.creation', objectId: 1 }) as { reason: string }).reason, /unknown/);
    assert.match((normalizeHubSpotEvent({ ...base, subscriptionType: 'deal.propertyChange', objectId: 1 }) as { reason: string }).reason, /propertyName/);
    assert.match((normalizeHubSpotEvent({ subscriptionType: 'deal.creation', objectId: 1 }) as { reason: string }).reason, /eventId/);
    assert.match((normalizeHubSpotEvent('x') as { reason: string }).reason, /not an object/);
  });
});

describe('crm webhooks: Salesforce outbound messages', () => {
  const client = createCrmClient({ provider: 'salesforce', url: 'https://acme.my.salesforce.com', token: 't', organizationId: '00D5g000004ABCD' });
  const xml = fixture('salesforce/outbound-opportunity.xml');
  const req = (body: Buffer | string): WebhookRequest => ({ method: 'POST', url: 'https://bridge/sf', headers: { 'content-type': 'text/xml' }, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body) });

  it('accepts the configured organisation (15- or 18-character id)', () => {
    client.verifyWebhook(req(xml));
    createCrmClient({ provider: 'salesforce', url: 'x', organizationId: '00D5g000004ABCDEAA' }).verifyWebhook(req(xml));
  });
  it('rejects another organisation and a missing configuration', () => {
    expectAuthError(() => createCrmClient({ provider: 'salesforce', url: 'x', organizationId: '00D5g000004ZZZZ' }).verifyWebhook(req(xml)), /not the configured organisation/);
    expectAuthError(() => createCrmClient({ provider: 'salesforce', url: 'x' }).verifyWebhook(req(xml)), /no Salesforce organisation id/);
  });
  it('rejects a tampered organisation id in the body', () => {
    expectAuthError(() => client.verifyWebhook(req(xml.toString().replace('00D5g000004ABCDEAA', '00D5g000009ABCDEAA'))), /not the configured/);
  });
  it('rejects malformed SOAP', () => {
    expectAuthError(() => client.verifyWebhook(req('<soapenv:Envelope><soapenv:Body>')), /not a readable outbound message/);
    expectAuthError(() => client.verifyWebhook(req('<!DOCTYPE x [<!ENTITY a "b">]><x/>')), /DOCTYPE/);
    assert.throws(() => client.parseWebhook(req('<a><b></a>')), WebhookPayloadError);
  });
  it('normalises each notification (created vs updated, entities, nil fields, notification id as eventId)', () => {
    const parsed = client.parseWebhook(req(xml));
    assert.strictEqual(parsed.events.length, 2);
    const [opp, acc] = parsed.events;
    assert.deepStrictEqual([opp.objectType, opp.action, opp.crmId, opp.eventId], ['deal', 'updated', '0065g00000XyZ12AAB', '04l5g00000AbCdEAAZ']);
    assert.strictEqual(opp.record?.properties.Name, 'Ace Hardware & Co - spring restock');
    assert.strictEqual(opp.record?.properties.StageName, 'Closed Won');
    assert.strictEqual(opp.occurredAt, '2024-05-02T10:15:30.000Z');
    assert.deepStrictEqual([acc.objectType, acc.action, acc.crmId], ['company', 'created', '0015g00000AbC02AAB']);
    assert.strictEqual(acc.record?.properties.VAT__c, null);
  });
  it('skips unknown sObjects and answers with the Ack=true envelope', () => {
    const parsed = client.parseWebhook(req(fixture('salesforce/outbound-unknown-object.xml')));
    assert.strictEqual(parsed.events.length, 0);
    assert.match(parsed.skipped[0].reason, /Campaign/);
    const ack = client.webhookAck([]);
    assert.strictEqual(ack.status, 200);
    assert.match(ack.contentType ?? '', /xml/);
    assert.match(ack.body ?? '', /<notificationsResponse xmlns="http:\/\/soap.sforce.com\/2005\/09\/outbound"><Ack>true<\/Ack><\/notificationsResponse>/);
    assert.strictEqual(ack.body, salesforceAck(true));
  });
});

describe('crm webhooks: Pipedrive v2 with basic auth', () => {
  const client = createCrmClient({ provider: 'pipedrive', url: 'https://x.pipedrive.com', token: 't', username: 'pd-hook', secret: 'pd-pass' });
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const req = (file: string, auth?: string): WebhookRequest => ({ method: 'POST', url: 'https://bridge/pd', headers: auth ? { authorization: auth } : {}, rawBody: fixture(`pipedrive/${file}`) });

  it('accepts the right credentials and rejects wrong or missing ones', () => {
    client.verifyWebhook(req('deal-stage-change.json', basic('pd-hook', 'pd-pass')));
    expectAuthError(() => client.verifyWebhook(req('deal-stage-change.json', basic('pd-hook', 'wrong'))), /wrong basic-auth/);
    expectAuthError(() => client.verifyWebhook(req('deal-stage-change.json', basic('other', 'pd-pass'))), /wrong basic-auth/);
    expectAuthError(() => client.verifyWebhook(req('deal-stage-change.json')), /missing HTTP basic/);
    expectAuthError(() => client.verifyWebhook(req('deal-stage-change.json', 'Bearer pd-pass')), /missing HTTP basic/);
  });
  it('deal stage change -> stage_changed with from/to, custom fields flattened, associations', () => {
    const [ev] = client.parseWebhook(req('deal-stage-change.json')).events;
    assert.deepStrictEqual([ev.objectType, ev.action, ev.crmId, ev.eventId], ['deal', 'stage_changed', '412', '2f1c9f0e-6a3b-4f0e-9a55-7d1f3f8b2c10']);
    assert.deepStrictEqual(ev.changes, { stage_id: { from: 4, to: 5 } });
    assert.strictEqual(ev.record?.properties['8f4b27fbd10d2bd2b3a8c7b7d3ec0d0a3f1a2b3c'], 'SO-0042');
    assert.deepStrictEqual(ev.record?.associations, { company: ['77'], contact: ['901'] });
    assert.strictEqual(ev.occurredAt, '2024-05-02T10:15:30.412Z');
  });
  it('person create, organization update and delete', () => {
    const [p] = client.parseWebhook(req('person-create.json')).events;
    assert.deepStrictEqual([p.objectType, p.action, p.crmId], ['contact', 'created', '902']);
    const [u] = client.parseWebhook(req('organization-update.json')).events;
    assert.deepStrictEqual([u.objectType, u.action], ['company', 'updated']);
    assert.deepStrictEqual(u.changes, { name: { from: 'Ace Hardware Outlet', to: 'Ace Hardware Outlet Inc.' } });
    const [d] = client.parseWebhook(req('organization-delete.json')).events;
    assert.deepStrictEqual([d.objectType, d.action, d.crmId, d.record, d.attempt], ['company', 'deleted', '79', null, 2]);
  });
  it('unknown entities are skipped; non-JSON is a payload error', () => {
    const parsed = client.parseWebhook(req('activity-create.json'));
    assert.strictEqual(parsed.events.length, 0);
    assert.match(parsed.skipped[0].reason, /activity/);
    assert.throws(() => client.parseWebhook({ method: 'POST', url: 'x', headers: {}, rawBody: Buffer.from('not json') }), WebhookPayloadError);
  });
});

describe('crm webhooks: generic HMAC-SHA256', () => {
  const client = createCrmClient({ provider: 'generic', url: '', secret: 'gen-secret', signatureHeader: 'X-Bridge-Signature' });
  const body = JSON.stringify({ eventId: 'e-1', objectType: 'account', action: 'update', id: 'A1', occurredAt: '2024-05-02T10:00:00Z', record: { id: 'A1', properties: { name: 'Acme' } }, changes: { name: { from: 'Acm', to: 'Acme' } } });
  const req = (sig?: string, b = body): WebhookRequest => ({ method: 'POST', url: 'x', headers: sig === undefined ? {} : { 'x-bridge-signature': sig }, rawBody: Buffer.from(b) });
  const hex = crypto.createHmac('sha256', 'gen-secret').update(body).digest('hex');

  it('accepts hex with and without the sha256= prefix, any case', () => {
    assert.strictEqual(genericSignature('gen-secret', body), hex);
    client.verifyWebhook(req(hex));
    client.verifyWebhook(req(`sha256=${hex}`));
    client.verifyWebhook(req(hex.toUpperCase()));
  });
  it('rejects tampered bodies, wrong secrets, missing headers', () => {
    expectAuthError(() => client.verifyWebhook(req(hex, body.replace('Acme', 'Evil'))), /does not match/);
    expectAuthError(() => client.verifyWebhook(req(crypto.createHmac('sha256', 'x').update(body).digest('hex'))), /does not match/);
    expectAuthError(() => client.verifyWebhook(req()), /missing X-Bridge-Signature/);
  });
  it('normalises aliases and keeps record and changes', () => {
    const [ev] = client.parseWebhook(req(hex)).events;
    assert.deepStrictEqual([ev.objectType, ev.action, ev.crmId, ev.eventId], ['company', 'updated', 'A1', 'e-1']);
    assert.deepStrictEqual(ev.record?.properties, { name: 'Acme' });
    assert.deepStrictEqual(ev.changes, { name: { from: 'Acm', to: 'Acme' } });
    const skipped = client.parseWebhook(req(hex, JSON.stringify([{ eventId: 'e2', objectType: 'invoice', action: 'created', id: 1 }]))).skipped;
    assert.match(skipped[0].reason, /invoice/);
  });
});
