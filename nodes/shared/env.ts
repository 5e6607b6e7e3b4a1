/**
 * Environment values for config nodes. Node-RED substitutes `${NAME}` in plain node properties only
 * when the whole value is `${NAME}`; credentials and mixed values are resolved here.
 */

export { resolveEnv, envValue } from '../../lib/odoo/config';

interface EvalRED {
  util: { evaluateNodeProperty(value: unknown, type: string, node: unknown, msg: unknown, callback: (err: Error | null, result: unknown) => void): void };
}

/**
 * A TypedInput value (str, num, json, msg, flow, global, env, jsonata...) for one message.
 * Resolves undefined for an empty str/json value.
 */
export function evalTyped(RED: EvalRED, node: unknown, msg: unknown, value: unknown, type: string | undefined): Promise<unknown> {
  const t = type || 'str';
  if ((t === 'str' || t === 'json' || t === 'num') && (value === undefined || value === null || value === '')) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    try {
      RED.util.evaluateNodeProperty(value, t, node, msg, (err, result) => (err ? reject(err) : resolve(result)));
    } catch (e) {
      reject(e);
    }
  });
}
