/**
 * crm-update: writes back to the CRM. Operations: `update` (properties of a record by id), `note`
 * (a note / timeline entry on a record), `upsert` (create or update by a unique external-id property).
 * msg.objectType, msg.crmId, msg.idProperty override the node's settings; msg.payload holds the
 * properties (update/upsert) or the note text (note). Rate limits and 429/Retry-After are handled by
 * the crm-server's client; failures reach Catch as typed errors with cause.retryable.
 */
import type { NodeAPI, Node, NodeDef, NodeMessage } from 'node-red';
import type { CrmClient, CrmObjectType, CrmProviderName } from '../lib/crm/types';
import { CRM_OBJECT_TYPES } from '../lib/crm/types';
import { NodeInputError, reportError } from './shared/errors';
import { clock, failed, idle, ok, working } from './shared/status';

interface UpdateDef extends NodeDef {
  crm: string;
  objectType?: string;
  operation?: 'update' | 'note' | 'upsert';
  idProperty?: string;
  noteTitle?: string;
}

type Msg = NodeMessage & {
  objectType?: unknown; crmId?: unknown; idProperty?: unknown; idValue?: unknown; title?: unknown; operation?: unknown;
};

function isPlain(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The crm-server config node as the other CRM nodes see it. */
interface CrmServerNode extends Node {
  client: CrmClient;
  provider: CrmProviderName;
}

export = function (RED: NodeAPI) {
  function CrmUpdate(this: Node, config: UpdateDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.crm) as CrmServerNode | null;
    if (!server?.client) failed(node, 'no CRM configured');
    else idle(node);
    /** A record id from msg.crmId (or payload.crmId): a non-empty string or a number. */
    const crmIdOf = (v: unknown, what: string): string => {
      if (v === undefined || v === null || v === '') throw new NodeInputError(`msg.crmId: ${what} needs the CRM record id in msg.crmId`, 'InputError', { field: 'crmId' });
      if ((typeof v !== 'string' && typeof v !== 'number') || (typeof v === 'number' && !Number.isFinite(v))) {
        throw new NodeInputError(`msg.crmId: must be a record id (string or number), got ${Array.isArray(v) ? 'an array' : typeof v}`, 'InputError', { field: 'crmId' });
      }
      return String(v).trim();
    };

    node.on('input', async (msg: Msg, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      try {
        if (!server?.client) throw new NodeInputError('select a crm-server configuration', 'CrmConfigError');
        const operation = String(msg.operation ?? config.operation ?? 'update');
        if (!['update', 'note', 'upsert'].includes(operation)) throw new NodeInputError(`${msg.operation !== undefined ? 'msg.operation' : 'property operation'}: unknown operation "${operation}" (update, note, upsert)`, 'InputError', { field: 'operation' });
        const payload = msg.payload as unknown;
        const objectType = String(msg.objectType ?? config.objectType ?? '');
        if (!(CRM_OBJECT_TYPES as readonly string[]).includes(objectType)) {
          throw new NodeInputError(`${msg.objectType !== undefined ? 'msg.objectType' : 'property objectType'}: must be one of ${CRM_OBJECT_TYPES.join(', ')} (got "${objectType}")`, 'InputError', { field: 'objectType' });
        }
        const type = objectType as CrmObjectType;
        const client = server.client;
        working(node, `${operation} ${type}…`);
        if (operation === 'note') {
          const crmId = crmIdOf(msg.crmId ?? (isPlain(payload) ? payload.crmId : undefined), 'note');
          const body = typeof payload === 'string' ? payload : isPlain(payload) ? String(payload.body ?? payload.note ?? '') : '';
          if (!body) throw new NodeInputError('msg.payload: note needs the text (a string or {body})', 'InputError', { field: 'payload' });
          const title = typeof msg.title === 'string' ? msg.title : isPlain(payload) && typeof payload.title === 'string' ? payload.title : config.noteTitle || undefined;
          const res = await client.addNote(type, String(crmId), body, { title });
          msg.payload = { operation, objectType: type, crmId: String(crmId), noteId: res.id };
          ok(node, `note on ${type} ${String(crmId)} ${clock()}`);
        } else {
          const properties = isPlain(payload) ? (isPlain(payload.properties) ? payload.properties : payload) : undefined;
          if (!properties || !Object.keys(properties).length) throw new NodeInputError(`msg.payload: ${operation} needs an object of properties to write (got ${payload === null ? 'null' : Array.isArray(payload) ? 'an array' : isPlain(payload) ? 'an empty object' : typeof payload})`, 'InputError', { field: 'payload' });
          if (operation === 'update') {
            const crmId = crmIdOf(msg.crmId, 'update');
            const record = await client.update(type, String(crmId), properties);
            msg.payload = { operation, objectType: type, crmId: record.id || String(crmId), record };
            ok(node, `updated ${type} ${String(crmId)} ${clock()}`);
          } else {
            const idProperty = String(msg.idProperty ?? config.idProperty ?? '');
            if (!idProperty) throw new NodeInputError('idProperty: upsert needs the unique id property (node setting or msg.idProperty)', 'InputError', { field: 'idProperty' });
            const idValue = msg.idValue ?? properties[idProperty];
            if (idValue === undefined || idValue === null || idValue === '') throw new NodeInputError(`msg.idValue: upsert needs a value for ${idProperty} (in msg.payload or msg.idValue)`, 'InputError', { field: 'idValue' });
            const res = await client.upsert(type, idProperty, String(idValue), properties);
            msg.payload = { operation, objectType: type, crmId: res.record.id, created: res.created, record: res.record };
            ok(node, `${res.created ? 'created' : 'updated'} ${type} ${res.record.id} ${clock()}`);
          }
        }
        send(msg);
        done();
      } catch (e) {
        reportError(node, done, e);
      }
    });
  }

  RED.nodes.registerType('crm-update', CrmUpdate as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);
};
