import type { NodeAPI, Node, NodeDef, NodeMessageInFlow } from 'node-red';
import type { z } from 'zod';
import { Mapper, checkRules, parseRules, type JsonataCompiler, type MappingIssue } from '../lib/mapping/engine';
import { CANONICAL_SCHEMAS, type CanonicalSchemaName } from '../lib/mapping/schemas';
import { schemaFromFields, type OdooFields } from '../lib/mapping/odoo-schema';
import { throttle } from '../lib/reliability/throttle';
import { reportError } from './shared/errors';
import { shorten } from './shared/status';

interface MapperDef extends NodeDef {
  rules?: string;
  schema?: string;
  server?: string;
  model?: string;
  odooMode?: 'create' | 'write';
  property?: string;
}

interface OdooServerNode extends Node {
  client?: { executeKw(model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown> };
}

const FIELDS_TTL_MS = 10 * 60_000;
// fields_get answers, per server config node and model, shared by all mapper nodes of the process.
const fieldsCache = new Map<string, { at: number; fields: Promise<OdooFields> }>();

type Msg = NodeMessageInFlow & { error?: unknown };

export = function (RED: NodeAPI) {
  function MapperNode(this: Node, config: MapperDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const property = (config.property || 'payload').replace(/^msg\./, '');
    const schemaName = config.schema || 'none';
    let mapper: Mapper | undefined;
    let configError: string | undefined;
    let ok = 0;
    let bad = 0;

    const jsonata: JsonataCompiler = (expression) => {
      const prepared = RED.util.prepareJSONataExpression(expression, node);
      return (msg) =>
        new Promise((resolve, reject) => {
          RED.util.evaluateJSONataExpression(prepared, msg as Msg, (err: Error | null, value: unknown) => (err ? reject(err) : resolve(value)));
        });
    };

    let rules: ReturnType<typeof parseRules> = [];
    try {
      rules = parseRules(config.rules);
      const problems = checkRules(rules);
      if (problems.length) configError = problems.join('; ');
    } catch (e) {
      configError = RED._('mapper.errors.rulesJson', { error: (e as Error).message });
    }
    let fixedSchema: z.ZodType | undefined;
    if (!configError && schemaName !== 'none' && schemaName !== 'odoo') {
      fixedSchema = CANONICAL_SCHEMAS[schemaName as CanonicalSchemaName];
      if (!fixedSchema) configError = RED._('mapper.errors.schema', { schema: schemaName });
    }
    if (!configError && schemaName === 'odoo' && (!config.server || !config.model)) configError = RED._('mapper.errors.odoo');
    if (!configError) {
      try {
        mapper = new Mapper(rules, { jsonata, schema: fixedSchema });
      } catch (e) {
        configError = (e as Error).message;
      }
    }
    if (configError) {
      node.error(RED._('mapper.errors.config', { error: configError }));
      node.status({ fill: 'red', shape: 'ring', text: RED._('mapper.status.config') });
    } else {
      node.status({ fill: 'grey', shape: 'ring', text: RED._('mapper.status.idle', { rules: rules.length }) });
    }

    const status = throttle(() => {
      node.status(
        bad > 0
          ? { fill: 'yellow', shape: 'dot', text: RED._('mapper.status.counts', { ok, bad }) }
          : { fill: 'green', shape: 'dot', text: RED._('mapper.status.counts', { ok, bad }) },
      );
    }, 250);

    // With schema 'odoo', the mapper is built once the model's fields are known (and rebuilt when the cache expires).
    let odooMapper: { at: number; mapper: Promise<Mapper> } | undefined;
    function mapperFor(): Promise<Mapper> {
      if (schemaName !== 'odoo') return Promise.resolve(mapper as Mapper);
      const now = Date.now();
      if (odooMapper && now - odooMapper.at < FIELDS_TTL_MS) return odooMapper.mapper;
      const key = `${config.server}\u0000${config.model}`;
      let cached = fieldsCache.get(key);
      if (!cached || now - cached.at >= FIELDS_TTL_MS) {
        const server = RED.nodes.getNode(config.server as string) as OdooServerNode | null;
        const fields: Promise<OdooFields> = server?.client
          ? (server.client.executeKw(config.model as string, 'fields_get', [], {
              attributes: ['type', 'required', 'selection', 'string', 'relation', 'readonly'],
            }) as Promise<OdooFields>)
          : Promise.reject(new Error(RED._('mapper.errors.noServer')));
        cached = { at: now, fields };
        fieldsCache.set(key, cached);
        fields.catch(() => {
          if (fieldsCache.get(key) === cached) fieldsCache.delete(key);
        });
      }
      const built = cached.fields.then(
        (fields) => new Mapper(rules, { jsonata, schema: schemaFromFields(fields, { mode: config.odooMode === 'write' ? 'write' : 'create', model: config.model }) }),
      );
      odooMapper = { at: now, mapper: built };
      built.catch(() => {
        odooMapper = undefined;
      });
      return built;
    }

    node.on('input', (msg: Msg, send, done) => {
      if (configError) {
        // Documented: the message goes to the error output (2) with the reason; the status stays red.
        msg.error = { message: `mapper configuration: ${configError}`, issues: [] };
        bad++;
        node.status({ fill: 'red', shape: 'ring', text: shorten(`${RED._('mapper.status.config')}: ${configError}`) });
        send([null, msg]);
        done();
        return;
      }
      mapperFor()
        .then((m) => m.run(msg))
        .then(
          (result) => {
            if (result.ok) {
              RED.util.setMessageProperty(msg, property, result.value, true);
              ok++;
              status();
              send([msg, null]);
            } else {
              msg.error = { message: summarize(result.issues), issues: result.issues };
              bad++;
              status();
              send([null, msg]);
            }
            done();
          },
          (err: Error) => {
            // Not the message's fault (Odoo unreachable while fetching fields_get): a typed error for Catch/retry.
            status.cancel();
            reportError(node, done, err, RED._('mapper.status.fieldsError'));
          },
        );
    });

    node.on('close', () => status.stop());
  }

  function summarize(issues: MappingIssue[]): string {
    const head = issues
      .slice(0, 3)
      .map((i) => `${i.field}: ${i.reason}`)
      .join('; ');
    return `${issues.length} mapping issue${issues.length === 1 ? '' : 's'}: ${head}${issues.length > 3 ? '; …' : ''}`;
  }

  RED.nodes.registerType('mapper', MapperNode);
};
