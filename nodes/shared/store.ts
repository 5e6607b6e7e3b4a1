/**
 * Store lookup shared by every node that needs durable state (dedupe, retry, triggers' cursors).
 *
 * `resolveStore(RED, node, storeConfigId)` returns the configured `state-store` config node's `.store`,
 * or the implicit embedded store: one SQLite file per Node-RED user directory
 * (`<userDir>/odoo-crm-bridge-state.db`), opened once per process and shared by all nodes. The embedded
 * stores are reference counted: each user node releases its reference when it closes, and the file is
 * closed shortly after the last one (a short grace period so a full deploy does not close and reopen it).
 */
import os from 'os';
import path from 'path';
import type { NodeAPI, Node } from 'node-red';
import { SqliteStateStore } from '../../lib/state/sqlite';
import type { StateStore } from '../../lib/state/types';

export const IMPLICIT_STORE_FILE = 'odoo-crm-bridge-state.db';
const CLOSE_GRACE_MS = 1000;

interface Entry {
  store: SqliteStateStore;
  refs: number;
  closeTimer?: NodeJS.Timeout;
}

const embedded = new Map<string, Entry>();

/** Path of the implicit store for this runtime. */
export function implicitStorePath(RED: NodeAPI): string {
  const settings = (RED.settings ?? {}) as { userDir?: string };
  const userDir = settings.userDir || path.join(os.homedir(), '.node-red');
  return path.join(userDir, IMPLICIT_STORE_FILE);
}

/**
 * Take a reference on the embedded store for `file` (opened on first use). Call the returned release
 * function exactly once when done.
 */
export function acquireEmbeddedStore(file: string): { store: SqliteStateStore; release: () => void } {
  const key = path.resolve(file);
  let entry = embedded.get(key);
  if (!entry) {
    entry = { store: new SqliteStateStore({ path: key }), refs: 0 };
    embedded.set(key, entry);
  }
  if (entry.closeTimer) {
    clearTimeout(entry.closeTimer);
    entry.closeTimer = undefined;
  }
  entry.refs++;
  const e = entry;
  let released = false;
  return {
    store: e.store,
    release: () => {
      if (released) return;
      released = true;
      e.refs--;
      if (e.refs > 0) return;
      e.closeTimer = setTimeout(() => {
        if (e.refs > 0 || embedded.get(key) !== e) return;
        embedded.delete(key);
        e.store.close().catch(() => undefined);
      }, CLOSE_GRACE_MS);
      e.closeTimer.unref();
    },
  };
}

/** Close every embedded store now (tests, process shutdown). */
export async function closeAllEmbeddedStores(): Promise<void> {
  const entries = [...embedded.values()];
  embedded.clear();
  for (const e of entries) {
    if (e.closeTimer) clearTimeout(e.closeTimer);
    await e.store.close();
  }
}

interface StoreConfigNode extends Node {
  store?: StateStore;
}

/**
 * The state store for `node`: the `state-store` config node `storeConfigId` if given, otherwise the
 * implicit embedded store. Throws when `storeConfigId` names a config node that does not exist or has no
 * usable store (falling back to a local file would silently break a multi-instance setup).
 */
export function resolveStore(RED: NodeAPI, node: Node, storeConfigId?: string): StateStore {
  if (storeConfigId) {
    const config = RED.nodes.getNode(storeConfigId) as StoreConfigNode | null;
    if (!config) throw new Error(`state-store config node ${storeConfigId} not found`);
    if (!config.store) throw new Error(`state-store config node ${storeConfigId} has no store (see its log)`);
    return config.store;
  }
  const { store, release } = acquireEmbeddedStore(implicitStorePath(RED));
  node.on('close', () => release());
  return store;
}
