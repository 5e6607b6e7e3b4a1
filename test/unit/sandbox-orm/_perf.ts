import { createDatabase } from '../../../sandbox/odoo/database';
const db = createDatabase({ version: 19 });
const bench = (label: string, fn: () => unknown) => {
  const t = Date.now(); let n = 0;
  while (Date.now() - t < 1000) { fn(); n++; }
  console.log(label, n, '/s');
};
bench('partner all fields limit 80', () => db.execute(2, 'res.partner', 'search_read', [[]], { limit: 80 }));
bench('product all fields limit 80', () => db.execute(2, 'product.product', 'search_read', [[]], { limit: 80 }));
bench('sale.order all fields', () => db.execute(2, 'sale.order', 'search_read', [[]], {}));
bench('product qty fields', () => db.execute(2, 'product.product', 'search_read', [[]], { fields: ['qty_available', 'virtual_available', 'free_qty'] }));
bench('create partner', () => db.execute(3, 'res.partner', 'create', [{ name: 'P' }], {}));
