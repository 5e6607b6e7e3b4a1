/** Test models over the base module, and a database factory for the ORM tests. */
import { ValidationError } from '../../../sandbox/odoo/exceptions';
import { createDatabase, SandboxDb } from '../../../sandbox/odoo/database';
import { registerModels as registerBase } from '../../../sandbox/odoo/models/base';
import { defineModel, GROUPS, Recordset, type ModuleRegistrar, type OdooVersion } from '../../../sandbox/odoo/orm/schema';

export const registerTestModels: ModuleRegistrar = (registry, version) => {
  registry.define(defineModel({
    name: 'x.tag',
    description: 'Test Tag',
    order: 'name',
    fields: { name: { type: 'char', required: true }, active: { type: 'boolean', default: true } },
  }));
  registry.define(defineModel({
    name: 'x.item',
    description: 'Test Item',
    order: 'sequence, id',
    fields: {
      name: { type: 'char', required: true },
      code: { type: 'char' },
      ref: { type: 'char', sequence: { code: 'x.item', prefix: 'IT/%(year)s/', padding: 4 }, default: 'New' },
      sequence: { type: 'integer', default: 10 },
      qty: { type: 'integer' },
      price: { type: 'float', digits: [16, 2] },
      flag: { type: 'boolean' },
      active: { type: 'boolean', default: true },
      state: { type: 'selection', selection: (v) => (v >= 19 ? [['draft', 'Draft'], ['done', 'Done'], ['new19', 'New in 19']] : [['draft', 'Draft'], ['done', 'Done']]), default: 'draft' },
      date: { type: 'date' },
      dt: { type: 'datetime' },
      partner_id: { type: 'many2one', relation: 'res.partner', string: 'Customer' },
      parent_id: { type: 'many2one', relation: 'x.item', string: 'Parent Item' },
      child_ids: { type: 'one2many', relation: 'x.item', inverseName: 'parent_id' },
      tag_ids: { type: 'many2many', relation: 'x.tag', string: 'Tags' },
      line_ids: { type: 'one2many', relation: 'x.line', inverseName: 'item_id', string: 'Lines' },
      total: { type: 'float', store: true, depends: ['line_ids.amount'], compute: (env, rows) => rows.map((r) => {
        const lines = env.model('x.line').search([['item_id', '=', r.id]]);
        return env.model('x.line').rows(lines).reduce((s, l) => s + ((l.amount as number) || 0), 0);
      }) },
      line_count: { type: 'integer', compute: (env, rows) => rows.map((r) => env.model('x.line').searchCount([['item_id', '=', r.id]])) },
      double_qty: {
        type: 'integer', compute: (_env, rows) => rows.map((r) => ((r.qty as number) || 0) * 2),
        search: (_env, op, value) => [['qty', op, typeof value === 'number' ? value / 2 : value]],
      },
      partner_country_code: { type: 'char', related: 'partner_id.country_id.code' },
      secret: { type: 'char', groups: 'base.group_system' },
      old_name: { type: 'char', renamedIn: { 19: 'new_name' } },
      only17: { type: 'char', onlyVersions: [17] },
    },
    constraints: [{
      fields: ['qty'],
      check: (env, ids) => {
        for (const r of env.model('x.item').rows(ids)) if ((r.qty as number) < 0) throw new ValidationError('Quantity must be positive');
      },
    }],
    methods: {
      action_done: {
        kind: 'records', params: [{ name: 'note', default: false }],
        impl: (env, ids, args) => {
          env.model('x.item').write(ids!, { state: 'done', code: args.note || false });
          return true;
        },
      },
      action_fail_after_write: {
        kind: 'records', params: [],
        impl: (env, ids) => {
          env.model('x.item').write(ids!, { state: 'done' });
          throw new ValidationError('boom');
        },
      },
      make_copy: {
        kind: 'records', params: [], returnsRecordset: false,
        impl: (env, ids) => new Recordset('x.item', [env.model('x.item').create({ name: `copy of ${ids![0]}` })]),
      },
      nothing: { kind: 'model', params: [], impl: () => null },
      hello: { kind: 'model', params: ['who', { name: 'punct', default: '!' }], impl: (_env, _ids, a) => `hello ${a.who}${a.punct}` },
    },
  }));
  registry.define(defineModel({
    name: 'x.line',
    description: 'Test Line',
    order: 'id',
    fields: {
      item_id: { type: 'many2one', relation: 'x.item', required: true, ondelete: 'cascade' },
      name: { type: 'char' },
      amount: { type: 'float' },
    },
  }));
  for (const m of ['x.tag', 'x.item', 'x.line']) {
    registry.grant(m, GROUPS.user, 'r');
    registry.grant(m, GROUPS.integration, 'rwc');
  }
  void version;
};

export function makeDb(version: OdooVersion = 19): SandboxDb {
  return createDatabase({ version, seed: false, modules: [registerBase, registerTestModels] });
}

export const ADMIN = 2;
export const INTEGRATION = 3;

/** execute as admin */
export function x(db: SandboxDb, model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, uid = ADMIN): unknown {
  return db.execute(uid, model, method, args, kwargs);
}
