/**
 * `odoo-write`: create, write, unlink or upsert records of a model. msg.payload is one values object
 * or an array of them (one batched call); msg.ids for write/unlink; upsert match keys in property
 * `matchOn` or msg.matchOn; msg.model and msg.context override.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { OdooClient, OdooRecord } from '../lib/odoo/client';
import { OdooRequestError } from '../lib/odoo/errors';
import { evalTyped } from './shared/env';
import { contextOf, describe, fieldsOf, idsOf, modelName, source } from './shared/inputs';
import { reportError } from './shared/errors';
import { failed, idle, ok, working } from './shared/status';

interface WriteDef extends NodeDef {
  server: string;
  operation?: string;
  model?: string;
  modelType?: string;
  matchOn?: string;
  matchMode?: string;
  includeArchived?: boolean;
}

interface ServerNode extends Node {
  client: OdooClient;
}

type Msg = NodeMessageInFlow & Record<string, unknown>;

const OPERATIONS = new Set(['create', 'write', 'unlink', 'upsert']);

function isValues(v: unknown): v is OdooRecord {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function valuesList(payload: unknown, model: string, op: string): { list: OdooRecord[]; single: boolean } {
  if (isValues(payload)) return { list: [payload], single: true };
  if (Array.isArray(payload)) {
    payload.forEach((v, i) => {
      if (!isValues(v)) throw new OdooRequestError(`msg.payload[${i}]: ${op} needs an object of field values (got ${describe(v)})`, { model, method: op });
    });
    return { list: payload as OdooRecord[], single: false };
  }
  throw new OdooRequestError(`msg.payload: ${op} needs an object of field values or an array of them (got ${describe(payload)})`, { model, method: op });
}

export = function (RED: NodeAPI) {
  function OdooWrite(this: Node, config: WriteDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as ServerNode | null;
    // A missing operation (older export) means the default; an unknown one must not silently create.
    const badOperation = config.operation && !OPERATIONS.has(config.operation) ? config.operation : undefined;
    const operation = config.operation && OPERATIONS.has(config.operation) ? config.operation : 'create';
    let closing = false;
    if (!server) failed(node, 'no Odoo server configured');
    else if (badOperation) failed(node, `unknown operation ${badOperation}`);
    else idle(node);
    node.on('close', () => {
      closing = true;
    });

    node.on('input', async (msgIn, send, done) => {
      const msg = msgIn as Msg;
      try {
        if (!server) throw new OdooRequestError('odoo-write: no odoo-server configuration selected');
        if (badOperation) throw new OdooRequestError(`property operation: unknown operation "${badOperation}" (create, write, unlink, upsert)`);
        const client = server.client;
        const modelFromMsg = msg.model !== undefined && msg.model !== '';
        const model = modelName(modelFromMsg ? msg.model : await evalTyped(RED, node, msg, config.model, config.modelType), source(modelFromMsg, 'model'), { method: operation });
        const context = contextOf(msg.context, { model, method: operation });
        const kw = context ? { context } : {};
        const what = `${operation} ${model}`;
        let result: unknown;
        let summary: string;
        switch (operation) {
          case 'create': {
            const { list, single } = valuesList(msg.payload, model, 'create');
            working(node, `${what} (${list.length})`);
            const ids = await client.createMany(model, list, { context });
            result = single ? ids[0] : ids;
            summary = `created ${ids.length}`;
            break;
          }
          case 'write': {
            const { list, single } = valuesList(msg.payload, model, 'write');
            const ids = idsOf(msg.ids, 'msg.ids', { model, method: 'write' });
            working(node, what);
            if (ids) {
              if (!single) throw new OdooRequestError('msg.payload: with msg.ids, write needs one values object (not an array)', { model, method: 'write' });
              await client.executeKw(model, 'write', [ids, list[0]], kw);
              result = ids;
            } else {
              // Each record carries its own id: group identical values into one write.
              const groups = new Map<string, { ids: number[]; vals: OdooRecord }>();
              const written: number[] = [];
              list.forEach((r, i) => {
                const id = Number(r.id);
                if (!Number.isInteger(id) || id <= 0) throw new OdooRequestError(`msg.ids: write needs msg.ids, or an id in every record (msg.payload[${i}] has none)`, { model, method: 'write' });
                const { id: _drop, ...vals } = r;
                void _drop;
                const key = JSON.stringify(Object.keys(vals).sort().map((k) => [k, vals[k]]));
                let g = groups.get(key);
                if (!g) groups.set(key, (g = { ids: [], vals }));
                g.ids.push(id);
                written.push(id);
              });
              for (const g of groups.values()) await client.executeKw(model, 'write', [g.ids, g.vals], kw);
              result = written;
            }
            summary = `wrote ${(result as number[]).length}`;
            break;
          }
          case 'unlink': {
            const ids = msg.ids !== undefined ? idsOf(msg.ids, 'msg.ids', { model, method: 'unlink' }) : idsOf(msg.payload, 'msg.payload', { model, method: 'unlink' });
            if (!ids || !ids.length) throw new OdooRequestError('msg.ids: unlink needs the ids to delete (in msg.ids or msg.payload)', { model, method: 'unlink' });
            working(node, what);
            await client.executeKw(model, 'unlink', [ids], kw);
            result = ids;
            summary = `deleted ${ids.length}`;
            break;
          }
          default: {
            const { list } = valuesList(msg.payload, model, 'upsert');
            const matchOn = fieldsOf(msg.matchOn !== undefined ? msg.matchOn : config.matchOn, source(msg.matchOn !== undefined, 'matchOn'), { model, method: 'upsert' });
            if (!matchOn || !matchOn.length) throw new OdooRequestError('matchOn: upsert needs match keys (property matchOn or msg.matchOn)', { model, method: 'upsert' });
            working(node, `${what} (${list.length})`);
            const r = await client.upsert(model, list, matchOn, {
              context,
              mode: config.matchMode === 'all' ? 'all' : 'first',
              includeArchived: !!config.includeArchived,
            });
            result = r;
            summary = `+${r.created.length} ~${r.updated.length} =${r.unchanged.length}${r.ambiguous.length ? ` ?${r.ambiguous.length}` : ''}`;
          }
        }
        msg.payload = result;
        if (closing) return done();
        send(msg);
        ok(node, `${summary}, ${model}`);
        done();
      } catch (e) {
        reportError(node, done, e);
      }
    });
  }

  RED.nodes.registerType('odoo-write', OdooWrite as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
