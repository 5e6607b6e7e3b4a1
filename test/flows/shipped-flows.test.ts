/**
 * Static checks of the shipped flow files (no runtime): what every flow promises analysts, checked on the JSON
 * exactly as shipped. The e2e tests check that they work.
 */
import assert from 'assert';
import fs from 'fs';
import vm from 'vm';
import { FLOWS_DIR } from './helpers/harness';

const EXPECTED = ['01-customer-sync.json', '02-won-deal-to-order.json', '03-inventory-availability.json', '04-fulfillment-milestones.json',
  '05-invoice-payment-status.json', '06-returns-and-service.json'];
type NodeJson = Record<string, any> & { id: string; type: string };
const load = (f: string) => JSON.parse(fs.readFileSync(`${FLOWS_DIR}/${f}`, 'utf8')) as NodeJson[];

describe('shipped flow files', () => {
  it('are the six use cases, one file each', () => {
    assert.deepStrictEqual(fs.readdirSync(FLOWS_DIR).filter((f) => f.endsWith('.json')).sort(), EXPECTED);
  });

  const shared = new Map<string, string>();
  for (const file of EXPECTED) {
    describe(file, () => {
      const nodes = load(file);
      const tabs = nodes.filter((n) => n.type === 'tab');
      const byId = new Map(nodes.map((n) => [n.id, n]));

      it('has one tab, with a description, holding every flow node', () => {
        assert.strictEqual(tabs.length, 1);
        assert.ok(tabs[0].info.length > 100);
        for (const n of nodes) {
          if (n.type === 'tab' || n.type.endsWith('-server') || n.type === 'state-store') continue;
          assert.strictEqual(n.z, tabs[0].id, `${n.type} ${n.name} is on the tab`);
        }
      });

      it('reads its connections from the environment and holds no credentials', () => {
        const odoo = nodes.find((n) => n.type === 'odoo-server')!;
        assert.strictEqual(odoo.url, '${ODOO_URL}');
        assert.strictEqual(odoo.db, '${ODOO_DB}');
        const crm = nodes.find((n) => n.type === 'crm-server');
        if (crm) assert.strictEqual(crm.url, '${CRM_URL}');
        for (const n of nodes) assert.ok(!('credentials' in n), `${n.type} ${n.id} carries no credentials`);
        // config nodes shared with other files must be identical
        for (const n of nodes.filter((x) => x.type.endsWith('-server'))) {
          const text = JSON.stringify(n);
          if (shared.has(n.id)) assert.strictEqual(text, shared.get(n.id), `${n.id} is the same in every file`);
          shared.set(n.id, text);
        }
      });

      it('wires only to nodes that exist, and every function compiles', () => {
        for (const n of nodes) {
          for (const out of n.wires ?? []) for (const t of out) assert.ok(byId.has(t), `${n.name} → ${t}`);
          for (const t of n.scope ?? []) assert.ok(byId.has(t), `catch ${n.name} scope ${t}`);
          for (const t of n.links ?? []) assert.ok(byId.has(t), `link ${n.name} → ${t}`);
          if (n.type === 'function') assert.doesNotThrow(() => new vm.Script(`(async function(){${n.func}\n})`), `${n.name} compiles`);
        }
      });

      it('has a Catch → retry path and a dead-letter exit for every retry node', () => {
        const retries = nodes.filter((n) => n.type === 'retry');
        assert.ok(retries.length >= 1);
        for (const r of retries) {
          assert.ok(nodes.some((n) => n.type === 'catch' && (n.wires[0] ?? []).includes(r.id)) || nodes.some((n) => n.type === 'function' && (n.wires ?? []).some((o: string[]) => o.includes(r.id))), `${r.name} is fed by a Catch`);
          assert.ok((r.wires[1] ?? []).length === 1, `${r.name} has a dead-letter exit`);
        }
        for (const c of nodes.filter((n) => n.type === 'catch')) assert.ok(c.scope.length > 0, `${c.name} is scoped`);
      });

      it('is laid out in groups per stage, each explained by a comment, on the grid', () => {
        const groups = nodes.filter((n) => n.type === 'group');
        assert.ok(groups.length >= 2);
        for (const g of groups) {
          const members = g.nodes.map((id: string) => byId.get(id)!);
          assert.ok(members.some((m: NodeJson) => m.type === 'comment' && m.info), `group ${g.name} has an explaining comment`);
          for (const m of members) assert.strictEqual(m.g, g.id);
        }
        for (const n of nodes) if (typeof n.x === 'number' && n.type !== 'group') {
          assert.strictEqual(n.x % 20, 0, `${n.name} x on the grid`);
          assert.strictEqual(n.y % 20, 0, `${n.name} y on the grid`);
        }
        const flowNodes = nodes.filter((n) => n.z && n.type !== 'group' && n.type !== 'comment');
        assert.ok(flowNodes.every((n) => n.g), 'every node belongs to a stage group');
      });
    });
  }
});
