/**
 * Flow 3 (inventory availability), loaded unchanged into a real Node-RED runtime against the sandboxes:
 * the HTTP endpoint's figures against Odoo's own, the cache with its stale flag during an Odoo outage,
 * and the push of availability to the CRM's products.
 */
import assert from 'assert';
import { NodeRedProcess, Sandboxes, flowFile, startNodeRed, startSandboxes, waitFor } from './helpers/harness';

const FILE = '03-inventory-availability.json';

describe('flow 03: inventory availability (e2e)', function () {
  this.timeout(60000);
  let sb: Sandboxes;
  let nr: NodeRedProcess;
  const get = async (q: string) => {
    const res = await fetch(`${nr.url}/inventory/availability?${q}`);
    return { status: res.status, body: (await res.json()) as any };
  };

  before(async () => {
    sb = await startSandboxes();
    nr = await startNodeRed({ flows: [flowFile(FILE)], sandboxes: sb });
  });
  after(async () => {
    await nr?.stop();
    await sb?.close();
  });

  it('answers Odoo\'s own per-warehouse figures for a SKU list', async () => {
    const { status, body } = await get('sku=DIST-0001,DIST-0007,NOPE-1&warehouse=WH');
    assert.strictEqual(status, 200);
    assert.strictEqual(body.stale, false);
    const [wh] = await sb.odooRpc.searchRead('stock.warehouse', [['code', '=', 'WH']], ['id']);
    const products = await sb.odooRpc.searchRead('product.product', [['default_code', 'in', ['DIST-0001', 'DIST-0007']]], ['default_code', 'qty_available', 'free_qty', 'incoming_qty'],
      { context: { warehouse: wh.id, warehouse_id: wh.id } });
    for (const p of products) {
      const item = body.items.find((i: any) => i.sku === p.default_code);
      assert.ok(item, p.default_code);
      assert.strictEqual(item.on_hand, p.qty_available);
      assert.strictEqual(item.free, p.free_qty);
      assert.strictEqual(item.incoming, p.incoming_qty);
    }
    assert.strictEqual(body.items.find((i: any) => i.sku === 'DIST-0007').on_hand, 0, 'DIST-0007 is only stocked in the second warehouse');
    assert.strictEqual(body.items.find((i: any) => i.sku === 'NOPE-1').found, false);
  });

  it('rejects a request without SKUs and an unknown warehouse', async () => {
    assert.strictEqual((await get('')).status, 400);
    assert.strictEqual((await get('sku=DIST-0001&warehouse=NOWH')).status, 404);
  });

  it('serves the cache marked stale while Odoo is down, and 503 for what it never saw', async () => {
    await get('sku=DIST-0002');
    sb.odoo.faults.set({ outageMs: -1 });
    try {
      const cached = await get('sku=DIST-0002&refresh=true');
      assert.strictEqual(cached.status, 200);
      assert.strictEqual(cached.body.stale, true);
      assert.strictEqual(cached.body.items[0].sku, 'DIST-0002');
      const unseen = await get('sku=DIST-0003&refresh=true');
      assert.strictEqual(unseen.status, 503);
      assert.strictEqual(unseen.body.stale, true);
    } finally {
      sb.odoo.faults.clear();
    }
    const fresh = await get('sku=DIST-0002&refresh=true');
    assert.strictEqual(fresh.body.stale, false);
  });

  it('pushes free quantities to the CRM products by SKU', async () => {
    const crmId = sb.crm.seed.products['DIST-0001'] as string;
    const [p] = await sb.odooRpc.searchRead('product.product', [['default_code', '=', 'DIST-0001']], ['free_qty']);
    const pushed = await waitFor('the push', async () => {
      const rec = await sb.crmApi.get('products', crmId, ['odoo_qty_available', 'odoo_product_id']);
      return rec.properties.odoo_qty_available !== null && rec.properties.odoo_qty_available !== undefined ? rec : undefined;
    }, 20000);
    assert.strictEqual(Number(pushed.properties.odoo_qty_available), p.free_qty);
  });
});
