import type { NodeAPI, Node, NodeDef, NodeMessageInFlow } from 'node-red';
import { keyFunction, contentHash, toMs, type KeyType } from '../lib/reliability/dedupe';
import { throttle } from '../lib/reliability/throttle';
import type { StateStore } from '../lib/state/types';
import { resolveStore } from './shared/store';

interface DedupeDef extends NodeDef {
  store?: string;
  keyType?: KeyType;
  key?: string;
  ttl?: string | number;
  ttlUnits?: string;
  mode?: 'key' | 'content';
  hashFields?: string;
  duplicates?: 'output' | 'drop';
  namespace?: string;
}

type Msg = NodeMessageInFlow & { dedupe?: { release?: boolean; key?: string; [k: string]: unknown } };

export = function (RED: NodeAPI) {
  function DedupeNode(this: Node, config: DedupeDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const ttlMs = toMs(config.ttl ?? 24, config.ttlUnits ?? 'hours') || 86_400_000;
    const mode = config.mode === 'content' ? 'content' : 'key';
    const hashFields = String(config.hashFields ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const drop = config.duplicates === 'drop';
    const namespace = `dedupe:${config.namespace || node.id}`;
    let passed = 0;
    let repeats = 0;
    let store: StateStore | undefined;
    let keyOf: ((msg: unknown) => string | undefined) | undefined;
    let configError: string | undefined;

    try {
      keyOf = keyFunction(config.keyType === 'path' ? 'path' : 'template', config.key || '{{_msgid}}');
    } catch (e) {
      configError = RED._('dedupe.errors.key', { error: (e as Error).message });
    }
    try {
      store = resolveStore(RED, node, config.store);
    } catch (e) {
      configError = configError ?? RED._('dedupe.errors.store', { error: (e as Error).message });
    }
    const status = throttle(() => {
      node.status({ fill: 'green', shape: 'dot', text: RED._('dedupe.status.counts', { passed, repeats }) });
    }, 250);
    if (configError) {
      node.error(configError);
      node.status({ fill: 'red', shape: 'ring', text: RED._('dedupe.status.config') });
    } else {
      node.status({ fill: 'grey', shape: 'ring', text: RED._('dedupe.status.idle', { kind: store?.kind ?? '' }) });
    }

    node.on('input', (msg: Msg, send, done) => {
      if (configError || !store || !keyOf) {
        done(Object.assign(new Error(configError ?? 'dedupe not configured'), { code: 'DedupeConfigError', cause: { type: 'config', retryable: false } }));
        return;
      }
      const s = store;
      const control = msg.dedupe;
      if (control && control.release === true) {
        // Camel removeOnFailure: forget the key so a redelivered event is accepted again.
        const key = typeof control.key === 'string' && control.key ? control.key : keyOf(msg);
        if (!key) {
          done(Object.assign(new Error(RED._('dedupe.errors.nokey')), { code: 'DedupeKeyError', cause: { type: 'input', retryable: false } }));
          return;
        }
        s.release(namespace, key).then(
          () => {
            node.status({ fill: 'green', shape: 'ring', text: RED._('dedupe.status.released', { key: key.slice(0, 40) }) });
            done();
          },
          (err: Error) => done(err),
        );
        return;
      }
      const key = keyOf(msg);
      if (!key) {
        node.status({ fill: 'red', shape: 'ring', text: RED._('dedupe.status.nokey') });
        done(Object.assign(new Error(RED._('dedupe.errors.nokey')), { code: 'DedupeKeyError', cause: { type: 'input', retryable: false } }));
        return;
      }
      const hash = mode === 'content' ? contentHash(msg, hashFields) : undefined;
      s.claim(namespace, key, ttlMs, hash).then(
        (result) => {
          const info: Record<string, unknown> = { key, firstSeenAt: result.firstSeenAt };
          if (hash) info.hash = hash;
          if (result.previousHash) info.previousHash = result.previousHash;
          if (result.claimed) {
            passed++;
            status();
            msg.dedupe = { ...info, duplicate: false };
            send([msg, null]);
          } else {
            repeats++;
            status();
            if (!drop) {
              msg.dedupe = { ...info, duplicate: true };
              send([null, msg]);
            }
          }
          done();
        },
        (err: Error) => {
          node.status({ fill: 'red', shape: 'ring', text: RED._('dedupe.status.storeError') });
          done(Object.assign(err, { cause: (err as { cause?: unknown }).cause ?? { type: 'store', retryable: true } }));
        },
      );
    });

    node.on('close', () => status.cancel());
  }
  RED.nodes.registerType('dedupe', DedupeNode);
};
