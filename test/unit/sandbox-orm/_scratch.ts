import { createDatabase } from '../../../sandbox/odoo/database';
const db = createDatabase({ version: 19, seed: false });
db.transaction(() => {
  const env = db.env();
  for (let i = 0; i < 300; i++) {
    const c = env.model('res.partner').create({ name: `Company ${i}`, is_company: true, email: `c${i}@x.com`, country_id: 1 + (i % 5), ref: `C${i}` });
    env.model('res.partner').create({ name: `Contact ${i}`, parent_id: c, email: `p${i}@x.com` });
  }
});
let t0 = Date.now();
let n = 0;
while (Date.now() - t0 < 1000) {
  db.execute(2, 'res.partner', 'search_read', [[['is_company', '=', true], ['country_id.code', '=', 'US']]], { fields: ['name', 'email', 'country_id'], limit: 10 });
  n++;
}
console.log('search_read limit 10 /s', n);
t0 = Date.now(); n = 0;
while (Date.now() - t0 < 1000) {
  db.execute(2, 'res.partner', 'search_read', [[['id', '=', 5]]], { fields: ['name', 'email', 'country_id'] });
  n++;
}
console.log('search_read by id /s', n);
t0 = Date.now(); n = 0;
while (Date.now() - t0 < 1000) {
  db.execute(3, 'res.partner', 'create', [{ name: `X${n}`, email: 'x@y' }], {});
  n++;
}
console.log('create /s', n);
t0 = Date.now(); n = 0;
while (Date.now() - t0 < 1000) {
  db.execute(2, 'res.partner', 'search_read', [[]], { limit: 80 });
  n++;
}
console.log('search_read all fields 80 /s', n);
console.log(db.execute(2, 'res.partner', 'search_read', [[['parent_id', '!=', false]]], { limit: 2 }));
