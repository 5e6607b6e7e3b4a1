import path from 'path';
import type { NodeAPI, Node, NodeDef } from 'node-red';
import { RedisStateStore } from '../lib/state/redis';
import type { StateStore } from '../lib/state/types';
import { acquireEmbeddedStore, implicitStorePath } from './shared/store';

interface StateStoreDef extends NodeDef {
  backend?: 'embedded' | 'redis';
  path?: string;
  url?: string;
  prefix?: string;
}

interface StateStoreCredentials {
  password?: string;
}

interface StateStoreNode extends Node<StateStoreCredentials> {
  store?: StateStore;
  backend: 'embedded' | 'redis';
}

/** `${NAME}` in a field reads the environment variable NAME. */
function envValue(value: string | undefined): string | undefined {
  if (!value) return value;
  const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value.trim());
  return m ? process.env[m[1]] : value;
}

export = function (RED: NodeAPI) {
  function StateStoreConfig(this: StateStoreNode, config: StateStoreDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    node.backend = config.backend === 'redis' ? 'redis' : 'embedded';
    try {
      if (node.backend === 'redis') {
        const url = envValue(config.url) || process.env.REDIS_URL || 'redis://127.0.0.1:6379';
        const password = envValue(node.credentials?.password) || undefined;
        const store = new RedisStateStore({ url, password, prefix: envValue(config.prefix) || 'ocb:' });
        store.client.on('error', (err: Error) => node.debug(`redis: ${err.message}`));
        node.store = store;
        node.on('close', (_removed: boolean, done: () => void) => {
          store.close().then(done, done);
        });
      } else {
        const userDir = (RED.settings as { userDir?: string }).userDir;
        const file = config.path
          ? path.resolve(userDir ?? process.cwd(), envValue(config.path) as string)
          : implicitStorePath(RED);
        const { store, release } = acquireEmbeddedStore(file);
        node.store = store;
        node.on('close', () => release());
      }
    } catch (err) {
      node.error(RED._('state-store.errors.open', { error: (err as Error).message }));
    }
  }
  RED.nodes.registerType('state-store', StateStoreConfig as unknown as Parameters<NodeAPI['nodes']['registerType']>[1], {
    credentials: { password: { type: 'password' } },
  });
};
