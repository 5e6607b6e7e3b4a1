/**
 * retry: put it before a step that can fail and wire a Catch node (scoped to that step) back into it.
 *
 * - A new message gets a `msg._retry` marker ({node, id, attempt, firstAt, history}) and goes out of
 *   output 1 at once (the first attempt costs no store write).
 * - A message coming back with our marker and `msg.error` is classified (lib/reliability/policy):
 *   transient -> stored in the state store queue `retry:<node id>` with dueAt (exponential backoff with
 *   jitter, Retry-After honoured) and only then acknowledged (done); permanent or exhausted -> stored as
 *   a dead letter, then sent on output 2 with msg.retry.history.
 * - A poller takes due items with a lease (invisible to other takers and other instances) and re-sends
 *   them from output 1. The item is acknowledged (deleted) when the step wired to output 1 completes
 *   without error (Node-RED's onComplete hook); if it fails, the Catch brings it back and it is
 *   rescheduled under the same id. If Node-RED dies meanwhile, the lease runs out and the item is due
 *   again. See docs/state-and-reliability.md for the exact guarantee.
 */
import type { NodeAPI, Node, NodeDef, NodeMessageInFlow } from 'node-red';
import { classify, decide, policyFrom, type RetryPolicy } from '../lib/reliability/policy';
import { selectDeadLetters, type DeadLetterFilter } from '../lib/reliability/deadletters';
import { throttle } from '../lib/reliability/throttle';
import type { DeadLetter, QueueItem, StateStore } from '../lib/state/types';
import { NodeInputError, reportError } from './shared/errors';
import { resolveStore } from './shared/store';

interface RetryDef extends NodeDef {
  store?: string;
  maxAttempts?: string | number;
  maxTotalMs?: string | number;
  redeliveryDelay?: string | number;
  backOffMultiplier?: string | number;
  maximumRedeliveryDelay?: string | number;
  collisionAvoidanceFactor?: string | number;
  pollMs?: string | number;
  leaseMs?: string | number;
  batch?: string | number;
}

interface AttemptRecord {
  attempt: number;
  at: number;
  message: string;
  code?: string;
  status?: number;
  retryable: boolean;
  delayMs?: number;
}

interface RetryMarker {
  node: string;
  id: string;
  attempt: number;
  firstAt: number;
  history: AttemptRecord[];
}

type Msg = NodeMessageInFlow & {
  _retry?: RetryMarker;
  error?: { message?: unknown; code?: unknown; cause?: unknown; source?: unknown };
  _error?: unknown;
  retry?: unknown;
  statusCode?: unknown;
  action?: unknown;
  ids?: unknown;
  filter?: unknown;
};

interface RetryNode extends Node {
  pendingCount(): Promise<number>;
  listDeadLetters(limit?: number): Promise<DeadLetter[]>;
  replay(filter: DeadLetterFilter): Promise<string[]>;
  discard(filter: DeadLetterFilter): Promise<string[]>;
}

/** Properties that cannot be stored (live objects of the http in node) or must not travel with a retry. */
const VOLATILE = new Set(['req', 'res', 'error', '_error', 'retry']);

function storable(msg: Msg): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(msg)) if (!VOLATILE.has(k)) out[k] = (msg as Record<string, unknown>)[k];
  // Round-trip now so a value JSON cannot keep (function, cycle) fails here, not in the store.
  return JSON.parse(JSON.stringify(out));
}

function toFilter(input: unknown): DeadLetterFilter {
  if (!input || typeof input !== 'object') return {};
  const f = input as Record<string, unknown>;
  const out: DeadLetterFilter = {};
  if (Array.isArray(f.ids)) out.ids = f.ids.map(String);
  if (typeof f.reason === 'string' && f.reason) out.reason = f.reason;
  if (typeof f.code === 'string' && f.code) out.code = f.code;
  if (f.status !== undefined && f.status !== '' && f.status !== null) out.status = Number(f.status);
  if (typeof f.since === 'string' || typeof f.since === 'number') out.since = f.since;
  if (typeof f.until === 'string' || typeof f.until === 'number') out.until = f.until;
  if (f.all === true) out.all = true;
  return out;
}

/** A replay/discard request must say what it targets: ids, a filter criterion, or all. */
function isTargeted(f: DeadLetterFilter): boolean {
  return !!(f.all || (f.ids && f.ids.length) || f.reason || f.code || f.status !== undefined || f.since !== undefined || f.until !== undefined);
}

// One onComplete hook for every retry node of the runtime.
const completions = new Map<string, (event: { msg: Msg; error?: unknown; node: { id: string } }) => void>();

export = function (RED: NodeAPI) {
  type Hooks = { add(name: string, fn: (e: unknown) => void): void; remove(name: string): void };
  let hooks = (RED as unknown as { hooks?: Hooks }).hooks;
  if (!hooks) {
    // Runtimes that do not expose RED.hooks to nodes (node-red-node-test-helper): the runtime's own registry.
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      hooks = (require('@node-red/util') as { hooks?: Hooks }).hooks;
    } catch {
      hooks = undefined;
    }
  }
  if (hooks) {
    // Re-registered on every load (the test helper and a runtime restart may clear hooks).
    try {
      hooks.remove('onComplete.odooCrmBridgeRetry');
    } catch {
      /* not registered */
    }
    hooks.add('onComplete.odooCrmBridgeRetry', (e: unknown) => {
      const event = e as { msg?: Msg; error?: unknown; node: { id: string } };
      const marker = event.msg && event.msg._retry;
      if (!marker || typeof marker.node !== 'string') return;
      const handler = completions.get(marker.node);
      if (handler) handler(event as { msg: Msg; error?: unknown; node: { id: string } });
    });
  }

  function RetryNodeCtor(this: RetryNode, config: RetryDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const policy: RetryPolicy = policyFrom(config as Partial<Record<keyof RetryPolicy, unknown>>);
    const pollMs = Math.max(20, Number(config.pollMs) || 500);
    const leaseMs = Math.max(1000, Number(config.leaseMs) || 60_000);
    const batch = Math.max(1, Math.floor(Number(config.batch) || 100));
    const queue = `retry:${node.id}`;
    const stepIds = new Set<string>(((node as unknown as { wires?: string[][] }).wires?.[0] ?? []).map(String));
    // Items this process has sent and not yet seen the outcome of: id -> attempt.
    const inflight = new Map<string, number>();
    let store: StateStore | undefined;
    let closed = false;
    let polling = false;
    let pollTimer: NodeJS.Timeout | undefined;
    let pending = 0;
    let dead = 0;
    let lastError: string | undefined;

    try {
      store = resolveStore(RED, node, config.store);
    } catch (e) {
      node.error(RED._('retry.errors.store', { error: (e as Error).message }));
      node.status({ fill: 'red', shape: 'ring', text: RED._('retry.status.config') });
    }

    const showStatus = throttle(() => {
      if (closed) return;
      if (lastError) node.status({ fill: 'red', shape: 'ring', text: lastError });
      else if (pending > 0) node.status({ fill: 'blue', shape: 'dot', text: RED._('retry.status.pending', { pending, dead }) });
      else node.status({ fill: dead > 0 ? 'yellow' : 'green', shape: dead > 0 ? 'ring' : 'dot', text: RED._('retry.status.idle', { dead }) });
    }, 250);
    const refreshCounts = throttle(() => {
      if (!store || closed) return;
      store.size(queue).then(
        (n) => {
          pending = n;
          showStatus();
        },
        () => undefined,
      );
    }, 250);

    const ack = (id: string) => {
      if (!store) return;
      store.ack(queue, id).then(
        () => refreshCounts(),
        (err: Error) => node.warn(RED._('retry.errors.ack', { id, error: err.message })),
      );
    };

    completions.set(node.id, (event) => {
      const marker = event.msg._retry as RetryMarker;
      if (event.error || !stepIds.has(event.node.id)) return;
      if (inflight.get(marker.id) !== marker.attempt) return;
      inflight.delete(marker.id);
      ack(marker.id);
    });

    function sendItem(item: QueueItem<Record<string, unknown>>) {
      const msg = item.payload as Msg;
      const meta = (item.meta ?? {}) as { history?: AttemptRecord[]; firstAt?: number };
      const prev = msg._retry;
      msg._retry = {
        node: node.id,
        id: item.id,
        attempt: item.attempts + 1,
        firstAt: Number(meta.firstAt ?? prev?.firstAt ?? item.dueAt),
        history: meta.history ?? prev?.history ?? [],
      };
      delete msg.error;
      delete msg._error;
      if (typeof msg._msgid !== 'string') msg._msgid = RED.util.generateId();
      if (hooks && stepIds.size > 0) inflight.set(item.id, msg._retry.attempt);
      node.send([msg, null]);
      // Without the completion hook (or with nothing wired) the send itself is the outcome we can see.
      if (!hooks || stepIds.size === 0) ack(item.id);
    }

    async function poll(): Promise<void> {
      if (!store || closed || polling) return;
      polling = true;
      try {
        for (;;) {
          const items = await store.take<Record<string, unknown>>(queue, batch, leaseMs);
          if (closed) return;
          for (const item of items) {
            // A lease that ran out while this process still waits for the outcome: not a second send.
            if (inflight.has(item.id)) continue;
            try {
              sendItem(item);
            } catch (err) {
              node.warn(RED._('retry.errors.send', { id: item.id, error: (err as Error).message }));
            }
          }
          if (items.length < batch) break;
        }
        if (lastError) lastError = undefined;
      } catch (err) {
        lastError = RED._('retry.status.storeError');
        node.warn(RED._('retry.errors.poll', { error: (err as Error).message }));
      } finally {
        polling = false;
        refreshCounts();
      }
    }

    if (store) {
      const s = store;
      pollTimer = setInterval(() => void poll(), pollMs);
      s.size(queue).then(
        (n) => {
          pending = n;
          showStatus();
        },
        () => undefined,
      );
      s.listDeadLetters(queue, 100_000).then(
        (l) => {
          dead = l.length;
          showStatus();
        },
        () => undefined,
      );
      setImmediate(() => void poll());
    }

    async function handleFailure(msg: Msg, send: (m: Array<Msg | null>) => void): Promise<void> {
      const s = store as StateStore;
      const marker = msg._retry as RetryMarker;
      inflight.delete(marker.id);
      const now = Date.now();
      const err = msg.error ?? {};
      const c = classify(err as Parameters<typeof classify>[0], msg.statusCode);
      const decision = decide(policy, marker.attempt, marker.firstAt, c, now);
      const record: AttemptRecord = { attempt: marker.attempt, at: now, message: String(err.message ?? 'error'), retryable: c.retryable };
      if (c.code) record.code = c.code;
      if (c.status !== undefined) record.status = c.status;
      if (decision.action === 'retry') record.delayMs = decision.delayMs;
      const history = [...(marker.history ?? []), record];
      if (decision.action === 'retry') {
        const payload = storable({ ...msg, _retry: { ...marker, history } } as Msg);
        await s.enqueue(queue, [{ id: marker.id, payload, dueAt: decision.dueAt, attempts: marker.attempt, meta: { history, firstAt: marker.firstAt } }]);
        refreshCounts();
        return;
      }
      const retry = { id: marker.id, attempts: marker.attempt, reason: decision.reason, history, firstAt: marker.firstAt, failedAt: now };
      const letter: DeadLetter = {
        id: marker.id,
        payload: storable({ ...msg, _retry: { ...marker, history } } as Msg),
        reason: decision.reason,
        failedAt: now,
        meta: { history, lastError: record.message, code: c.code, status: c.status, firstAt: marker.firstAt, error: JSON.parse(JSON.stringify(err)) },
      };
      // Same tick: on the embedded store both land in one transaction.
      await Promise.all([s.addDeadLetter(queue, letter), s.ack(queue, marker.id)]);
      dead++;
      refreshCounts();
      showStatus();
      msg.retry = retry;
      send([null, msg]);
    }

    node.pendingCount = () => (store ? store.size(queue) : Promise.resolve(0));

    node.listDeadLetters = (limit = 1000) => (store ? store.listDeadLetters(queue, limit) : Promise.resolve([]));

    node.replay = async (filter: DeadLetterFilter) => {
      if (!store) return [];
      const s = store;
      const letters = selectDeadLetters(await s.listDeadLetters<Record<string, unknown>>(queue, 100_000), filter);
      const now = Date.now();
      const items: QueueItem<Record<string, unknown>>[] = letters.map((l) => {
        const payload = { ...(l.payload ?? {}) } as Msg;
        const history = ((l.meta as { history?: AttemptRecord[] } | undefined)?.history ?? []).slice();
        delete payload.error;
        delete payload._error;
        delete payload.retry;
        delete payload._retry;
        return { id: l.id, payload: payload as Record<string, unknown>, dueAt: now, attempts: 0, meta: { history, firstAt: now, replayedAt: now } };
      });
      if (items.length === 0) return [];
      // Queue first, then forget the dead letters: a crash in between can leave a listed dead letter
      // that is also queued (visible), never a lost one. The embedded store commits both together.
      const queued = s.enqueue(queue, items);
      const removed = letters.map((l) => s.removeDeadLetter(queue, l.id));
      await Promise.all([queued, ...removed]);
      dead = Math.max(0, dead - letters.length);
      refreshCounts();
      setImmediate(() => void poll());
      return letters.map((l) => l.id);
    };

    node.discard = async (filter: DeadLetterFilter) => {
      if (!store) return [];
      const s = store;
      const letters = selectDeadLetters(await s.listDeadLetters(queue, 100_000), filter);
      await Promise.all(letters.map((l) => s.removeDeadLetter(queue, l.id)));
      dead = Math.max(0, dead - letters.length);
      showStatus();
      return letters.map((l) => l.id);
    };

    const controlError = (field: string, text: string) => new NodeInputError(`${field}: ${text}`, 'RetryControlError', { field });

    async function handleControl(msg: Msg, send: (m: Array<Msg | null>) => void): Promise<void> {
      if (typeof msg.action !== 'string') throw controlError('msg.action', `must be "list", "replay" or "discard" (got ${msg.action === null ? 'null' : typeof msg.action})`);
      const action = msg.action || 'list';
      if (msg.filter !== undefined && msg.filter !== null && (typeof msg.filter !== 'object' || Array.isArray(msg.filter))) {
        throw controlError('msg.filter', `must be an object such as {"code": "OdooTransientError"} or {"all": true} (got ${Array.isArray(msg.filter) ? 'an array' : typeof msg.filter})`);
      }
      if (msg.ids !== undefined && msg.ids !== null && !(Array.isArray(msg.ids) && msg.ids.every((x) => typeof x === 'string' || typeof x === 'number'))) {
        throw controlError('msg.ids', 'must be a list of dead-letter ids');
      }
      const filter = toFilter(msg.filter);
      if (filter.status !== undefined && !Number.isFinite(filter.status)) throw controlError('msg.filter.status', 'must be an HTTP status number');
      if (Array.isArray(msg.ids)) filter.ids = msg.ids.map(String);
      if (action === 'list') {
        msg.payload = await node.listDeadLetters(Number((msg.filter as { limit?: unknown } | undefined)?.limit) || 1000);
        if (isTargeted(filter)) msg.payload = selectDeadLetters(msg.payload as DeadLetter[], filter);
      } else if (action === 'replay' || action === 'discard') {
        if (!isTargeted(filter)) throw controlError('msg.ids', RED._('retry.errors.untargeted', { action }));
        const ids = action === 'replay' ? await node.replay(filter) : await node.discard(filter);
        msg.payload = { action, count: ids.length, ids };
      } else {
        throw controlError('msg.action', RED._('retry.errors.action', { action }));
      }
      send([null, msg]);
    }

    node.on('input', (msg: Msg, send, done) => {
      if (!store) {
        done(Object.assign(new Error(RED._('retry.errors.nostore')), { code: 'RetryConfigError', cause: { type: 'config', retryable: false } }));
        return;
      }
      // A control message (topic "deadletter" with an action) is never mistaken for data to retry.
      if (msg.topic === 'deadletter' && msg.action !== undefined) {
        handleControl(msg, send).then(
          () => done(),
          (err: Error) => {
            showStatus.cancel();
            reportError(node, done, err);
          },
        );
        return;
      }
      const marker = msg._retry;
      if (marker && marker.node === node.id && typeof marker.id === 'string') {
        if (msg.error) {
          handleFailure(msg, send).then(
            () => done(),
            (err: Error) => {
              lastError = RED._('retry.status.storeError');
              showStatus();
              done(err);
            },
          );
          return;
        }
        // Came back without an error (e.g. through a Complete node): the step succeeded.
        if (inflight.get(marker.id) === marker.attempt) {
          inflight.delete(marker.id);
          ack(marker.id);
        }
        done();
        return;
      }
      msg._retry = { node: node.id, id: RED.util.generateId(), attempt: 1, firstAt: Date.now(), history: [] };
      send([msg, null]);
      done();
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      if (pollTimer) clearInterval(pollTimer);
      showStatus.stop();
      refreshCounts.stop();
      if (completions.get(node.id)) completions.delete(node.id);
      inflight.clear();
      // Let a poll in progress finish its store call before the store may close.
      const wait = () => (polling ? setTimeout(wait, 10) : done());
      wait();
    });
  }

  RED.nodes.registerType('retry', RetryNodeCtor as unknown as Parameters<NodeAPI['nodes']['registerType']>[1]);

  // Editor endpoints: list / replay / discard dead letters of a deployed retry node.
  const admin = RED.httpAdmin;
  const needs = (p: string) => RED.auth.needsPermission(p);
  const lookup = (id: string): RetryNode | undefined => {
    const n = RED.nodes.getNode(id) as RetryNode | null;
    return n && typeof n.listDeadLetters === 'function' ? n : undefined;
  };
  type Res = { status(n: number): Res; json(v: unknown): void };
  const fail = (res: Res, err: unknown) => res.status(500).json({ error: (err as Error).message });
  admin.get('/retry/:id/dead-letters', needs('retry.read'), (req: { params: { id: string }; query: Record<string, string> }, res: Res) => {
    const n = lookup(req.params.id);
    if (!n) return void res.status(404).json({ error: 'retry node not deployed' });
    Promise.all([n.listDeadLetters(Number(req.query.limit) || 1000), n.pendingCount()]).then(
      ([letters, pendingNow]) => res.json({ pending: pendingNow, deadLetters: letters }),
      (e) => fail(res, e),
    );
  });
  const action = (kind: 'replay' | 'discard') => (req: { params: { id: string }; body?: unknown }, res: Res) => {
    const n = lookup(req.params.id);
    if (!n) return void res.status(404).json({ error: 'retry node not deployed' });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const filter = toFilter({ ...((body.filter as object) ?? {}), ids: body.ids, all: body.all });
    if (!isTargeted(filter)) return void res.status(400).json({ error: 'give ids, a filter or all: true' });
    (kind === 'replay' ? n.replay(filter) : n.discard(filter)).then(
      (ids) => res.json({ [kind === 'replay' ? 'replayed' : 'discarded']: ids.length, ids }),
      (e) => fail(res, e),
    );
  };
  admin.post('/retry/:id/replay', needs('retry.write'), action('replay'));
  admin.post('/retry/:id/discard', needs('retry.write'), action('discard'));
};
