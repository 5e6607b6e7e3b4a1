import type { NodeAPI, Node, NodeDef, NodeMessageInFlow } from 'node-red';
import { keyFunction, contentHash, toMs, type KeyType } from '../lib/reliability/dedupe';
import { throttle } from '../lib/reliability/throttle';
import type { StateStore } from '../lib/state/types';
import { NodeInputError, reportError } from './shared/errors';
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

    const keyText = `${config.keyType === 'path' ? 'msg.' : ''}${config.key || '{{_msgid}}'}`;
    const keyError = () =>
      new NodeInputError(`key ${keyText}: ${RED._('dedupe.errors.nokey')}`, 'DedupeKeyError', { field: 'key' });
    /** The key of a message; a template or path that cannot be evaluated is the message's fault. */
    const keyFor = (msg: Msg): string | undefined => {
      try {
        return (keyOf as (m: unknown) => string | undefined)(msg);
      } catch (e) {
        throw new NodeInputError(`key ${keyText}: ${(e as Error).message}`, 'DedupeKeyError', { field: 'key' });
      }
    };

    // A pending (throttled) green count must not overwrite the red ring of a failure.
    const fail = (done: (err?: Error) => void, e: unknown, text?: string) => {
      status.cancel();
      reportError(node, done, e, text);
    };

    node.on('input', (msg: Msg, send, done) => {
      if (configError || !store || !keyOf) {
        fail(done, new NodeInputError(configError ?? 'dedupe not configured', 'DedupeConfigError', { type: 'config' }), RED._('dedupe.status.config'));
        return;
      }
      const s = store;
      const control = msg.dedupe;
      let key: string | undefined;
      try {
        if (control && control.release === true) {
          // Camel removeOnFailure: forget the key so a redelivered event is accepted again.
          if (control.key !== undefined && (typeof control.key !== 'string' || !control.key)) {
            throw new NodeInputError(`msg.dedupe.key: must be a non-empty string (the key to release)`, 'DedupeKeyError', { field: 'dedupe.key' });
          }
          const rkey = control.key || keyFor(msg);
          if (!rkey) throw keyError();
          s.release(namespace, rkey).then(
            () => {
              node.status({ fill: 'green', shape: 'ring', text: RED._('dedupe.status.released', { key: rkey.slice(0, 40) }) });
              done();
            },
            (err: Error) => fail(done, err, RED._('dedupe.status.storeError')),
          );
          return;
        }
        key = keyFor(msg);
        if (!key) throw keyError();
      } catch (e) {
        fail(done, e, e instanceof NodeInputError && e.code === 'DedupeKeyError' ? RED._('dedupe.status.nokey') : undefined);
        return;
      }
      let hash: string | undefined;
      try {
        hash = mode === 'content' ? contentHash(msg, hashFields) : undefined;
      } catch (e) {
        fail(done, new NodeInputError(`content hash: ${(e as Error).message}`, 'DedupeKeyError', { field: 'hashFields' }));
        return;
      }
      const k = key;
      s.claim(namespace, k, ttlMs, hash).then(
        (result) => {
          const info: Record<string, unknown> = { key: k, firstSeenAt: result.firstSeenAt };
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
          // The store being unavailable is not the message's fault: retryable.
          const e = new NodeInputError(`state store: ${err.message}`, 'DedupeStoreError', { type: 'store' });
          e.cause.retryable = true;
          fail(done, e, RED._('dedupe.status.storeError'));
        },
      );
    });

    node.on('close', () => status.stop());
  }
  RED.nodes.registerType('dedupe', DedupeNode);
};
