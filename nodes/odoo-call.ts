/**
 * `odoo-call`: any public model method, e.g. sale.order / action_confirm. Properties model and
 * method (TypedInput); msg.model, msg.method, msg.args, msg.kwargs override; with no args, msg.ids
 * become args[0] (the records a record method runs on). Result in msg.payload.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { OdooClient } from '../lib/odoo/client';
import { OdooRequestError } from '../lib/odoo/errors';
import { parseIds } from '../lib/odoo/params';
import { evalTyped } from './shared/env';
import { reportError } from './shared/errors';
import { failed, idle, ok, working } from './shared/status';

interface CallDef extends NodeDef {
  server: string;
  model?: string;
  modelType?: string;
  method?: string;
  methodType?: string;
  args?: string;
  kwargs?: string;
}

interface ServerNode extends Node {
  client: OdooClient;
}

type Msg = NodeMessageInFlow & Record<string, unknown>;

function parseJson(text: string | undefined, what: string): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OdooRequestError(`odoo-call: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export = function (RED: NodeAPI) {
  function OdooCall(this: Node, config: CallDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as ServerNode | null;
    let closing = false;
    if (!server) failed(node, 'no Odoo server configured');
    else idle(node);
    node.on('close', () => {
      closing = true;
    });

    node.on('input', async (msgIn, send, done) => {
      const msg = msgIn as Msg;
      try {
        if (!server) throw new OdooRequestError('odoo-call: no odoo-server configuration selected');
        const client = server.client;
        const model = msg.model !== undefined && msg.model !== '' ? msg.model : await evalTyped(RED, node, msg, config.model, config.modelType);
        const method = msg.method !== undefined && msg.method !== '' ? msg.method : await evalTyped(RED, node, msg, config.method, config.methodType);
        if (typeof model !== 'string' || !model.trim()) throw new OdooRequestError('odoo-call: no model (property model or msg.model)');
        if (typeof method !== 'string' || !method.trim()) throw new OdooRequestError('odoo-call: no method (property method or msg.method)', { model });
        let args: unknown = msg.args !== undefined ? msg.args : parseJson(config.args, 'args');
        if (args === undefined || args === null) {
          const ids = parseIds(msg.ids);
          args = ids ? [ids] : [];
        } else if (!Array.isArray(args)) {
          args = [args];
        }
        const kwargs = msg.kwargs !== undefined ? msg.kwargs : parseJson(config.kwargs, 'kwargs') ?? {};
        if (!kwargs || typeof kwargs !== 'object' || Array.isArray(kwargs)) throw new OdooRequestError('odoo-call: kwargs must be an object', { model, method });
        const kw = { ...(kwargs as Record<string, unknown>) };
        if (msg.context !== undefined && msg.context !== null && typeof msg.context === 'object' && !Array.isArray(msg.context)) {
          kw.context = { ...((kw.context as Record<string, unknown>) ?? {}), ...(msg.context as Record<string, unknown>) };
        }
        working(node, `${model}.${method}`);
        msg.payload = await client.executeKw(model.trim(), method.trim(), args as unknown[], kw);
        if (closing) return done();
        send(msg);
        ok(node, `ok, ${model}.${method}`);
        done();
      } catch (e) {
        reportError(node, done, e);
      }
    });
  }

  RED.nodes.registerType('odoo-call', OdooCall as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
