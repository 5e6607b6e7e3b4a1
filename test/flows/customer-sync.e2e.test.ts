/**
 * Flow 1 (customer sync, CRM → Odoo), loaded unchanged into a real Node-RED runtime against the sandboxes:
 * the backfill of the seeded CRM (with its deliberate differences), a new company by webhook, the same
 * webhook twice, and bad data that must not reach Odoo; CRM contacts as Odoo child contacts of their company.
 */
import assert from 'assert';
import {
  NodeRedProcess, Sandboxes, exceptions, flowFile, postSignedWebhook, sleep, startNodeRed, startSandboxes, waitFor, waitForSubscriptions,
} from './helpers/harness';

const FILE = '01-customer-sync.json';
const PATH = '/crm/webhooks/customers';

describe('flow 01: customer sync (e2e)', function () {
  this.timeout(90000);
  let sb: Sandboxes;
  let nr: NodeRedProcess;
  const companies = () => sb.odooRpc.searchRead('res.partner', [['is_company', '=', true]], ['name', 'ref', 'vat', 'city', 'country_id']);

  before(async () => {
    sb = await startSandboxes();
    nr = await startNodeRed({ flows: [flowFile(FILE)], sandboxes: sb });
    await waitForSubscriptions(sb, 1);
  });
  after(async () => {
    await nr?.stop();
    await sb?.close();
  });

  it('backfills every CRM company: matches the existing customers, creates the new one, sends the duplicate to review', async () => {
    const before = await companies();
    const res = await fetch(`${nr.url}/integration/customers/backfill`, { method: 'POST' });
    assert.strictEqual(res.status, 202);
    const run = await waitFor('the backfill', async () => {
      const s = (await (await fetch(`${nr.url}/integration/customers/backfill`)).json()) as Record<string, any>;
      return s.finishedAt ? s : undefined;
    });
    const after = await companies();
    assert.strictEqual(after.length, before.length + 1, 'only Harbor Tools is new');
    assert.ok(after.some((p) => p.name === 'Harbor Tools Supply Co.'));
    assert.strictEqual(run.records, sb.crm.db.all('companies').length);
    // C011's badly formatted VAT still matched its customer (normalised), no duplicate was made
    const c011 = after.filter((p) => p.ref === 'C011');
    assert.strictEqual(c011.length, 1);
    // the duplicate CRM company (same domain as C014) is not guessed: it is in the review list
    const dupId = sb.crm.seed.companies['C014-dup'];
    const exc = await waitFor('the review item', async () => (await exceptions(nr, 'customers')).find((e) => e.crmId === dupId));
    assert.strictEqual(exc.kind, 'ambiguous-match');
    // every other CRM company now carries its Odoo id
    const linked = await waitFor('the write-back', async () => {
      const all = await sb.crmApi.list('companies', ['odoo_partner_id']);
      const missing = all.filter((c) => !c.properties.odoo_partner_id && c.id !== dupId);
      return missing.length === 0 ? all : undefined;
    });
    const ace = linked.find((c) => c.id === sb.crm.seed.companies.C001)!;
    const [acePartner] = after.filter((p) => p.ref === 'C001');
    assert.strictEqual(ace.properties.odoo_partner_id, String(acePartner.id));
  });

  it('creates a new CRM company in Odoo near real time, once, even when the webhook comes twice', async () => {
    const c = await sb.crmApi.userCreate('companies', {
      name: 'Cascade Hardware LLC', domain: 'cascadehardware.example', phone: '+1 360-555-0101', address: '77 Harbor Rd',
      city: 'Tacoma', zip: '98402', country: 'United States',
    });
    const odooId = await waitFor('the Odoo id on the CRM company', async () => (await sb.crmApi.get('companies', c.id, ['odoo_partner_id'])).properties.odoo_partner_id || undefined);
    const [p] = await sb.odooRpc.call('res.partner', 'read', [[Number(odooId)]], { fields: ['name', 'city', 'country_id', 'is_company'] });
    assert.strictEqual(p.name, 'Cascade Hardware LLC');
    assert.strictEqual(p.city, 'Tacoma');
    assert.strictEqual(p.country_id[1], 'United States');
    const delivery = (sb.crm.deliveries() as Array<{ events: Array<{ objectId?: number; subscriptionType: string }> }>)
      .find((d) => d.events.some((e) => String(e.objectId) === c.id && e.subscriptionType === 'company.creation'))!;
    await Promise.all([postSignedWebhook(nr, PATH, delivery.events), postSignedWebhook(nr, PATH, delivery.events)]);
    await sleep(1500);
    const same = await sb.odooRpc.searchRead('res.partner', [['name', '=', 'Cascade Hardware LLC']], ['id']);
    assert.strictEqual(same.length, 1, 'one customer');
  });

  it('keeps bad data out of Odoo and names the field', async () => {
    const c = await sb.crmApi.userCreate('companies', { name: 'Atlantis Tools', domain: 'atlantis.example', address: '1 Deep Street', city: 'Poseidonia', country: 'Atlantis' });
    const exc = await waitFor('the exception', async () => (await exceptions(nr, 'customers')).find((e) => e.crmId === c.id));
    assert.strictEqual(exc.kind, 'invalid-data');
    assert.ok(exc.fields.includes('address.country_code'), JSON.stringify(exc.fields));
    const note = await waitFor('the note on the company', async () => (await sb.crmApi.notes('companies', c.id)).find((n) => n.includes('address.country_code')));
    assert.ok(note);
    assert.strictEqual((await sb.odooRpc.searchRead('res.partner', [['name', '=', 'Atlantis Tools']], ['id'])).length, 0, 'nothing written');
  });
  describe('contacts', () => {
    let company: { id: string };
    let parentId: number;
    let miraId: string;
    const children = () => sb.odooRpc.searchRead('res.partner', [['parent_id', '=', parentId]], ['name', 'email', 'phone', 'function', 'type', 'is_company']);

    before(async () => {
      company = await sb.crmApi.userCreate('companies', { name: 'Olympic Fixings Inc', domain: 'olympicfixings.example', address: '12 Capitol Way', city: 'Olympia', zip: '98501', country: 'United States' });
      parentId = Number(await waitFor('the company in Odoo', async () => (await sb.crmApi.get('companies', company.id, ['odoo_partner_id'])).properties.odoo_partner_id || undefined));
    });

    it('creates a new CRM contact as one child contact of its company, even when the webhook comes twice', async () => {
      const c = await sb.crmApi.userCreate('contacts', { firstname: 'Mira', lastname: 'Kowalski', email: 'Mira.Kowalski@OlympicFixings.example', phone: '+1 360-555-0142', jobtitle: 'Purchasing manager' },
        [{ type: 'companies', id: company.id }]);
      miraId = c.id;
      const odooId = await waitFor('the Odoo id on the CRM contact', async () => (await sb.crmApi.get('contacts', c.id, ['odoo_partner_id'])).properties.odoo_partner_id || undefined);
      const kids = await children();
      assert.strictEqual(kids.length, 1, JSON.stringify(kids));
      assert.strictEqual(kids[0].id, Number(odooId));
      assert.strictEqual(kids[0].name, 'Mira Kowalski');
      assert.strictEqual(kids[0].email, 'mira.kowalski@olympicfixings.example');
      assert.strictEqual(kids[0].phone, '+1 360-555-0142');
      assert.strictEqual(kids[0].function, 'Purchasing manager');
      assert.strictEqual(kids[0].type, 'contact');
      assert.strictEqual(kids[0].is_company, false);
      const delivery = (sb.crm.deliveries() as Array<{ events: Array<{ objectId?: number; subscriptionType: string }> }>)
        .find((d) => d.events.some((e) => String(e.objectId) === c.id && e.subscriptionType === 'contact.creation'))!;
      assert.ok(delivery, 'the CRM delivered contact.creation');
      // the same events again (dedupe), and the same contact as a fresh event (matching on the e-mail within the company)
      await Promise.all([postSignedWebhook(nr, PATH, delivery.events), postSignedWebhook(nr, PATH, delivery.events.map((e) => ({ ...e, eventId: Number(String(Date.now()).slice(-9)) })))]);
      await sleep(2000);
      assert.strictEqual((await children()).length, 1, 'still one contact');
    });

    it('applies a contact update to the Odoo contact', async () => {
      const c = await sb.crmApi.get('contacts', miraId, ['email', 'odoo_partner_id']);
      await sb.crmApi.userUpdate('contacts', c.id, { jobtitle: 'Head of purchasing', phone: '+1 360-555-0199' });
      const kid = await waitFor('the Odoo contact updated', async () => (await children()).find((k) => k.function === 'Head of purchasing'));
      assert.strictEqual(kid.phone, '+1 360-555-0199');
      assert.strictEqual(kid.id, Number(c.properties.odoo_partner_id));
      assert.strictEqual((await children()).length, 1);
    });

    it('keeps a contact without name and e-mail out of Odoo and names the field', async () => {
      const c = await sb.crmApi.userCreate('contacts', { phone: '+1 360-555-0000', jobtitle: 'Unknown' }, [{ type: 'companies', id: company.id }]);
      const exc = await waitFor('the exception', async () => (await exceptions(nr, 'customers')).find((e) => e.crmId === c.id));
      assert.strictEqual(exc.kind, 'invalid-data');
      assert.strictEqual(exc.objectType, 'contact');
      assert.ok(exc.fields.includes('name'), JSON.stringify(exc.fields));
      const note = await waitFor('the note on the contact', async () => (await sb.crmApi.notes('contacts', c.id)).find((n) => n.includes('name')));
      assert.ok(note);
      assert.strictEqual((await sb.odooRpc.searchRead('res.partner', [['phone', '=', '+1 360-555-0000']], ['id'])).length, 0, 'nothing written');
      assert.strictEqual((await children()).length, 1);
    });
  });
});
