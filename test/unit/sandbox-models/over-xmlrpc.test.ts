/**
 * The distribution models through the real XML-RPC endpoint with Python's xmlrpc.client as an
 * independent client: methods returning None fault after committing, as on real Odoo.
 */
import assert from 'assert/strict';
import { execFile } from 'child_process';
import { startOdooSandbox, type OdooSandbox } from '../../../sandbox/odoo/server';

const SCRIPT = `
import json, sys, xmlrpc.client as x
url = sys.argv[1]
uid = x.ServerProxy(url + '/xmlrpc/2/common').authenticate('demo', 'admin', 'admin', {})
m = x.ServerProxy(url + '/xmlrpc/2/object')
def call(*a, **k): return m.execute_kw('demo', uid, 'admin', *a, **k)
out = {}
def fault(fn):
    try:
        fn(); return None
    except x.Fault as f:
        return [f.faultCode, f.faultString.strip().splitlines()[-1]]
wh = call('stock.warehouse', 'search_read', [[['code', '=', 'WH']]], {'fields': ['lot_stock_id']})[0]
p = call('product.product', 'create', [{'name': 'Py widget', 'list_price': 20.0, 'type': 'consu', 'is_storable': True, 'invoice_policy': 'order'}])
q = call('stock.quant', 'create', [{'product_id': p, 'location_id': wh['lot_stock_id'][0], 'inventory_quantity': 8}], {'context': {'inventory_mode': True}})
out['apply'] = fault(lambda: call('stock.quant', 'action_apply_inventory', [[q]], {'context': {'inventory_mode': True}}))
out['qty'] = call('product.product', 'read', [[p], ['qty_available']], {'context': {'warehouse_id': wh['id']}})[0]['qty_available']
part = call('res.partner', 'create', [{'name': 'Py Co', 'is_company': True}])
so = call('sale.order', 'create', [{'partner_id': part, 'client_order_ref': 'PY-1', 'order_line': [[0, 0, {'product_id': p, 'product_uom_qty': 3}]]}])
out['confirm'] = call('sale.order', 'action_confirm', [[so]])
out['origin'] = call('stock.picking', 'search_read', [[['sale_id', '=', so]]], {'fields': ['origin']})[0]['origin']
ctx = {'active_model': 'sale.order', 'active_ids': [so], 'active_id': so}
w = call('sale.advance.payment.inv', 'create', [{}], {'context': ctx})
out['invoice_fault'] = fault(lambda: call('sale.advance.payment.inv', 'create_invoices', [[w]], {'context': ctx}))
out['invoices'] = call('account.move', 'search_read', [[['invoice_origin', '!=', False], ['partner_id', '=', part]]], {'fields': ['name', 'amount_total']})
out['lock'] = fault(lambda: call('sale.order', 'action_lock', [[so]]))
out['locked'] = call('sale.order', 'read', [[so], ['locked']])[0]['locked']
print(json.dumps(out))
`;

function runPython(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', SCRIPT, url], { timeout: 15000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
  });
}

describe('sandbox models over XML-RPC (Python client, Odoo 18)', function () {
  this.timeout(30000);
  let sandbox: OdooSandbox;
  before(async () => {
    sandbox = await startOdooSandbox({ port: 0, version: 18, quiet: true });
  });
  after(async () => {
    await sandbox.close();
  });

  it('None results fault after the work is committed; confirm answers True', async () => {
    const out = await runPython(sandbox.url);
    const none = [1, 'TypeError: cannot marshal None unless allow_none is enabled'];
    assert.deepEqual(out.apply, none);
    assert.equal(out.qty, 8, 'the count was applied anyway');
    assert.equal(out.confirm, true);
    assert.equal(out.origin, `${(out.origin as string).split(' - ')[0]} - PY-1`);
    assert.deepEqual(out.invoice_fault, none);
    assert.deepEqual(out.invoices, [{ id: (out.invoices as Array<{ id: number }>)[0].id, name: false, amount_total: 69 }]);
    assert.deepEqual(out.lock, none);
    assert.equal(out.locked, true);
  });
});
