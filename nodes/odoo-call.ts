/**
 * `odoo-call`: any public model method, e.g. sale.order / action_confirm. Properties model and
 * method (TypedInput); msg.model, msg.method, msg.args, msg.kwargs override; with no args, msg.ids
 * become args[0] (the records a record method runs on). Result in msg.payload.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { OdooClient } from '../lib/odoo/client';
import { OdooRequestError } from '../lib/odoo/errors';
import { evalTyped } from './shared/env';
import { contextOf, describe, idsOf, modelName, source } from './shared/inputs';
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
    throw new OdooRequestError(`property ${what}: not valid JSON: ${(e as Error).message}`);
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
        const modelFromMsg = msg.model !== undefined && msg.model !== '';
        const methodFromMsg = msg.method !== undefined && msg.method !== '';
        const model = modelName(modelFromMsg ? msg.model : await evalTyped(RED, node, msg, config.model, config.modelType), source(modelFromMsg, 'model'));
        const methodSrc = methodFromMsg ? msg.method : await evalTyped(RED, node, msg, config.method, config.methodType);
        if (typeof methodSrc !== 'string' || !methodSrc.trim()) throw new OdooRequestError(`${source(methodFromMsg, 'method')}: a method name is required, e.g. "action_confirm" (got ${describe(methodSrc)})`, { model });
        const method = methodSrc.trim();
        const ex = { model, method };
        // A non-array args value is sent as the only argument (documented); values JSON cannot carry are refused.
        let args: unknown = msg.args !== undefined ? msg.args : parseJson(config.args, 'args');
        if (typeof args === 'function' || typeof args === 'symbol' || typeof args === 'bigint') {
          throw new OdooRequestError(`msg.args: must be an array of positional arguments (got ${describe(args)})`, ex);
        }
        if (args === undefined || args === null) {
          const ids = idsOf(msg.ids, 'msg.ids', ex);
          args = ids ? [ids] : [];
        } else if (!Array.isArray(args)) {
          args = [args];
        }
        const kwFromMsg = msg.kwargs !== undefined;
        const kwargs = kwFromMsg ? msg.kwargs : parseJson(config.kwargs, 'kwargs') ?? {};
        if (!kwargs || typeof kwargs !== 'object' || Array.isArray(kwargs)) throw new OdooRequestError(`${source(kwFromMsg, 'kwargs')}: must be an object of keyword arguments (got ${describe(kwargs)})`, ex);
        const kw = { ...(kwargs as Record<string, unknown>) };
        const context = contextOf(msg.context, ex);
        if (context) kw.context = { ...((kw.context as Record<string, unknown>) ?? {}), ...context };
        working(node, `${model}.${method}`);
        msg.payload = await client.executeKw(model, method, args as unknown[], kw);
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
