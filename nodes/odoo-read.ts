/**
 * `odoo-read`: search_read (default), read, search_count, name_search or fields_get on a model.
 * Configured values can be overridden per message (msg.model, msg.domain, msg.fields, msg.ids,
 * msg.limit, msg.offset, msg.order, msg.context). Paging mode sends one message per page or per
 * record with msg.parts, so a join node (automatic mode) reassembles the result.
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { OdooClient, OdooRecord } from '../lib/odoo/client';
import { OdooRequestError } from '../lib/odoo/errors';
import { evalTyped } from './shared/env';
import { contextOf, countOf, domainOf, fieldsOf, idsOf, modelName, source } from './shared/inputs';
import { reportError } from './shared/errors';
import { failed, idle, ok, working } from './shared/status';

interface ReadDef extends NodeDef {
  server: string;
  method?: string;
  model?: string;
  modelType?: string;
  domain?: string;
  domainType?: string;
  fields?: string;
  fieldsType?: string;
  order?: string;
  limit?: string | number;
  offset?: string | number;
  paging?: string;
  pageSize?: string | number;
}

interface ServerNode extends Node {
  client: OdooClient;
}

type Msg = NodeMessageInFlow & Record<string, unknown>;

const METHODS = new Set(['search_read', 'read', 'search_count', 'name_search', 'fields_get']);
let partsSeq = 0;

export = function (RED: NodeAPI) {
  function OdooRead(this: Node, config: ReadDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as ServerNode | null;
    // A missing method (older export) means the default; an unknown one is reported per message.
    const badMethod = config.method && !METHODS.has(config.method) ? config.method : undefined;
    const method = config.method && METHODS.has(config.method) ? config.method : 'search_read';
    const paging = config.paging === 'page' || config.paging === 'record' ? config.paging : 'none';
    const pageSize = Math.max(1, Number(config.pageSize) || 200);
    let closing = false;
    if (!server) failed(node, 'no Odoo server configured');
    else if (badMethod) failed(node, `unknown method ${badMethod}`);
    else idle(node);

    node.on('close', () => {
      closing = true;
    });

    node.on('input', async (msgIn, send, done) => {
      const msg = msgIn as Msg;
      try {
        if (!server) throw new OdooRequestError('odoo-read: no odoo-server configuration selected');
        if (badMethod) throw new OdooRequestError(`property method: unknown method "${badMethod}" (search_read, read, search_count, name_search, fields_get)`);
        const client = server.client;
        const ex = { method };
        const modelFromMsg = msg.model !== undefined && msg.model !== '';
        const model = modelName(modelFromMsg ? msg.model : await evalTyped(RED, node, msg, config.model, config.modelType), source(modelFromMsg, 'model'), ex);
        const ex2 = { model, method };
        const domainFromMsg = msg.domain !== undefined;
        const domainSrc = domainFromMsg ? msg.domain : await evalTyped(RED, node, msg, config.domain, config.domainType || 'json');
        let domain = domainOf(domainSrc, source(domainFromMsg, 'domain'), ex2);
        const fieldsFromMsg = msg.fields !== undefined;
        const fields = fieldsOf(fieldsFromMsg ? msg.fields : await evalTyped(RED, node, msg, config.fields, config.fieldsType), source(fieldsFromMsg, 'fields'), ex2);
        const ids = idsOf(msg.ids, 'msg.ids', ex2);
        const limit = countOf(msg.limit !== undefined ? msg.limit : config.limit, source(msg.limit !== undefined, 'limit'), ex2) || undefined;
        const offset = countOf(msg.offset !== undefined ? msg.offset : config.offset, source(msg.offset !== undefined, 'offset'), ex2) || undefined;
        const orderSrc = msg.order !== undefined ? msg.order : config.order;
        if (orderSrc !== undefined && orderSrc !== null && typeof orderSrc !== 'string') throw new OdooRequestError(`msg.order: must be text such as "name asc, id desc"`, ex2);
        const order = typeof orderSrc === 'string' && orderSrc.trim() ? orderSrc.trim() : undefined;
        const context = contextOf(msg.context, ex2);
        const what = `${method} ${model}`;
        working(node, what);

        if (method === 'search_read' && ids) domain = [['id', 'in', ids], ...domain];

        if (method === 'search_read' && paging !== 'none') {
          const n = await sendPages(client, model, domain, { fields, order, limit, context }, msg, send);
          if (closing) return done();
          ok(node, `${n} records, ${what}`);
          return done();
        }

        let result: unknown;
        switch (method) {
          case 'search_read':
            result = await client.searchRead(model, domain, { fields, order, limit, offset, context });
            break;
          case 'read': {
            if (!ids) throw new OdooRequestError('msg.ids: method read needs the ids of the records to read', { model, method });
            const kwargs: Record<string, unknown> = {};
            if (fields) kwargs.fields = fields;
            if (context) kwargs.context = context;
            result = await client.executeKw(model, 'read', [ids], kwargs);
            break;
          }
          case 'search_count': {
            const kwargs: Record<string, unknown> = {};
            if (limit) kwargs.limit = limit;
            if (context) kwargs.context = context;
            result = await client.executeKw(model, 'search_count', [domain], kwargs);
            break;
          }
          case 'name_search': {
            const name = typeof msg.payload === 'string' ? msg.payload : msg.payload === undefined || msg.payload === null ? '' : String(msg.payload);
            const kwargs: Record<string, unknown> = { name, domain, operator: 'ilike', limit: limit ?? 100 };
            if (context) kwargs.context = context;
            result = await client.executeKw(model, 'name_search', [], kwargs);
            break;
          }
          case 'fields_get': {
            const kwargs: Record<string, unknown> = { attributes: ['string', 'type', 'required', 'readonly', 'relation', 'selection', 'help', 'store'] };
            if (fields) kwargs.allfields = fields;
            if (context) kwargs.context = context;
            result = await client.executeKw(model, 'fields_get', [], kwargs);
            break;
          }
        }
        msg.payload = result;
        if (closing) return done();
        send(msg);
        ok(node, Array.isArray(result) ? `${result.length} records, ${what}` : typeof result === 'number' ? `${result}, ${what}` : `ok, ${what}`);
        done();
      } catch (e) {
        reportError(node, done, e);
      }
    });

    async function sendPages(
      client: OdooClient,
      model: string,
      domain: unknown[],
      opts: { fields?: string[]; order?: string; limit?: number; context?: Record<string, unknown> },
      msg: Msg,
      send: (m: Msg) => void,
    ): Promise<number> {
      const id = `${node.id}-${Date.now().toString(36)}-${(partsSeq++).toString(36)}`;
      const parentParts = msg.parts;
      const make = (payload: unknown, index: number, last: boolean, len?: number): Msg => {
        const m = RED.util.cloneMessage(msg) as Msg;
        m.payload = payload;
        const parts: Record<string, unknown> = { id, index, type: 'array' };
        if (len) parts.len = len;
        if (last) parts.count = index + 1;
        if (parentParts) parts.parts = parentParts;
        m.parts = parts as unknown as Msg["parts"];
        m.model = model;
        return m;
      };
      // One page ahead, so that the last message can carry msg.parts.count.
      const pages = client.searchReadPages(model, domain, { ...opts, pageSize });
      let total = 0;
      let index = 0;
      let current = await pages.next();
      if (current.done) {
        if (paging === 'page') send(make([], 0, true, pageSize));
        return 0;
      }
      while (!current.done && !closing) {
        const page = current.value as OdooRecord[];
        const next = await pages.next();
        const lastPage = !!next.done;
        total += page.length;
        if (paging === 'page') {
          send(make(page, index++, lastPage, pageSize));
        } else {
          page.forEach((rec, i) => send(make(rec, index++, lastPage && i === page.length - 1)));
        }
        working(node, `${total} records sent`);
        current = next;
      }
      if (closing) await pages.return(undefined);
      return total;
    }
  }

  RED.nodes.registerType('odoo-read', OdooRead as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
