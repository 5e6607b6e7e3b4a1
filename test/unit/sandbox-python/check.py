#!/usr/bin/env python3
"""Independent client check of the Odoo sandbox with Python's standard xmlrpc.client only.

Usage: check.py URL [VERSION]. Prints one "OK <step>" line per check; exits 1 at the first failure.
"""
import sys
import xmlrpc.client as xc

URL = sys.argv[1].rstrip('/')
VERSION = sys.argv[2] if len(sys.argv) > 2 else '19'
DB = 'demo'


def ok(step):
    print('OK ' + step, flush=True)


def fail(step, detail):
    print('FAIL %s: %s' % (step, detail), flush=True)
    sys.exit(1)


def expect(cond, step, detail=''):
    if not cond:
        fail(step, detail)


def expect_fault(step, code, text, fn, *args):
    try:
        result = fn(*args)
    except xc.Fault as f:
        expect(f.faultCode == code, step, 'faultCode %r != %r (%s)' % (f.faultCode, code, f.faultString[-300:]))
        expect(text in f.faultString, step, '%r not in faultString %r' % (text, f.faultString[-300:]))
        ok(step)
        return f
    fail(step, 'no fault, got %r' % (result,))


common = xc.ServerProxy(URL + '/xmlrpc/2/common')
models = xc.ServerProxy(URL + '/xmlrpc/2/object')

info = common.version()
expect(info['server_version'] == VERSION + '.0', 'version', info)
expect(info['server_version_info'][:2] == [int(VERSION), 0], 'version', info)
expect(info['protocol_version'] == 1, 'version', info)
ok('version')

uid = common.authenticate(DB, 'admin', 'admin', {})
expect(isinstance(uid, int) and uid > 0, 'authenticate', uid)
expect(common.authenticate(DB, 'admin', 'not-the-password', {}) is False, 'authenticate wrong password gives False')
expect(common.login(DB, 'admin', 'admin') == uid, 'login')
ok('authenticate')


def call(model, method, *args, **kwargs):
    return models.execute_kw(DB, uid, 'admin', model, method, list(args), kwargs)


companies = call('res.partner', 'search_read', [['is_company', '=', True]], fields=['name', 'parent_id', 'country_id'], limit=5)
expect(isinstance(companies, list) and len(companies) == 5, 'search_read', companies)
for row in companies:
    expect(isinstance(row['id'], int) and isinstance(row['name'], str), 'search_read row', row)
    expect(row['parent_id'] is False, 'search_read empty many2one is False', row)
    expect(row['country_id'] is False or (isinstance(row['country_id'], list) and len(row['country_id']) == 2), 'search_read many2one pair', row)
ok('search_read')

new_id = call('res.partner', 'create', {'name': 'Python check single', 'email': 'single@example.com'})
expect(isinstance(new_id, int), 'create single', new_id)
new_ids = call('res.partner', 'create', [{'name': 'Python check A'}, {'name': 'Python check B'}])
expect(isinstance(new_ids, list) and len(new_ids) == 2 and all(isinstance(i, int) for i in new_ids), 'create list', new_ids)
ok('create')

expect(call('res.partner', 'write', [new_id], {'phone': '+1 555 0100', 'name': 'Python check renamed'}) is True, 'write')
row = call('res.partner', 'read', [new_id], ['name', 'phone', 'email'])[0]
expect(row['name'] == 'Python check renamed' and row['phone'] == '+1 555 0100', 'write read back', row)
ok('write')

expect(call('res.partner', 'unlink', new_ids) is True, 'unlink')
expect(call('res.partner', 'search', [['id', 'in', new_ids]]) == [], 'unlink really removed')
ok('unlink')

drafts = call('sale.order', 'search_read', [['state', '=', 'draft']], fields=['name', 'state'], limit=1)
if drafts:
    order_id = drafts[0]['id']
else:
    product = call('product.product', 'search_read', [['sale_ok', '=', True]], fields=['id'], limit=1)[0]
    order_id = call('sale.order', 'create', {'partner_id': companies[0]['id'],
                                             'order_line': [[0, 0, {'product_id': product['id'], 'product_uom_qty': 2}]]})
expect(call('sale.order', 'action_confirm', [order_id]) is True, 'action_confirm returns True')
state = call('sale.order', 'read', [order_id], ['state'])[0]['state']
expect(state == 'sale', 'action_confirm state', state)
ok('action_confirm')

# Odoo-shaped faults for bad calls.
expect_fault('fault wrong password', 3, 'Access Denied',
             models.execute_kw, DB, uid, 'wrong', 'res.partner', 'search', [[]])
expect_fault('fault unknown model', 2, "Object no.such.model doesn't exist",
             models.execute_kw, DB, uid, 'admin', 'no.such.model', 'search', [[]])
expect_fault('fault private method', 4, 'cannot be called remotely',
             models.execute_kw, DB, uid, 'admin', 'res.partner', '_private_thing', [[]])
f = expect_fault('fault bad domain', 1, 'ValueError',
                 models.execute_kw, DB, uid, 'admin', 'res.partner', 'search', [[['no_such_field', '=', 1]]])
expect(f.faultString.startswith('Traceback (most recent call last):'), 'fault bad domain traceback', f.faultString[:80])
expect_fault('fault missing record', 2, 'Record does not exist or has been deleted',
             models.execute_kw, DB, uid, 'admin', 'res.partner', 'read', [[99999999]], {'fields': ['name']})
expect_fault('fault confirm twice', 2, '',
             models.execute_kw, DB, uid, 'admin', 'sale.order', 'action_confirm', [[order_id]])
expect_fault('fault none result', 1, 'cannot marshal None unless allow_none is enabled',
             models.execute_kw, DB, uid, 'admin', 'sale.order', 'action_lock', [[order_id]])

integration = common.authenticate(DB, 'integration', 'integration', {})
expect(isinstance(integration, int) and integration != uid, 'integration authenticate', integration)
expect_fault('fault integration unlink', 4, 'not allowed',
             models.execute_kw, DB, integration, 'integration', 'res.partner', 'unlink', [[companies[0]['id']]])

print('ALL OK', flush=True)
