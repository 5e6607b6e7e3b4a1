import { createDatabase } from '../../../sandbox/odoo/database';
const db = createDatabase({ version: 19 });
const t = Date.now(); let n = 0;
while (Date.now() - t < 3000) { db.execute(2, 'res.partner', 'search_read', [[]], { limit: 80 }); n++; }
console.log(n);
