/**
 * Redis StateStore (ioredis): several Node-RED instances share claims, queues and dead letters.
 *
 * Keys (all under `prefix`):
 *   claim:<ns>:<key>     string "<firstSeenAt>|<hash>" with PX expiry (SET NX PX; Lua in content mode)
 *   kv:<ns>:<key>        JSON value, optional PX expiry
 *   q:<queue>:items      hash id -> JSON {payload, dueAt, attempts, meta}
 *   q:<queue>:due        sorted set id by dueAt (takeable)
 *   q:<queue>:leased     sorted set id by lease expiry (taken, invisible until the lease passes)
 *   dl:<queue>           hash id -> JSON dead letter;  dl:<queue>:idx  sorted set id by failedAt
 * `take` is one Lua script: move expired leases back to `due`, pop due ids into `leased`, return the
 * items. Redis runs scripts atomically, so each due item goes to exactly one taker across instances.
 * Durability is Redis's own (appendonly / fsync policy of the server): a write resolves once Redis
 * has acknowledged it.
 */
import Redis, { type RedisOptions, type Result } from 'ioredis';
import type { ClaimResult, DeadLetter, QueueItem, StateStore } from './types';

export interface RedisStoreOptions {
  url?: string;
  password?: string;
  prefix?: string;
  /** An existing client (tests); not closed by close() unless ownClient is true. */
  client?: Redis;
  redisOptions?: RedisOptions;
}

const CLAIM_LUA = `
local v = redis.call('GET', KEYS[1])
local now = ARGV[1]
if v then
  local sep = string.find(v, '|', 1, true)
  local first = string.sub(v, 1, sep - 1)
  local h = string.sub(v, sep + 1)
  if ARGV[3] == '' or h == ARGV[3] then
    return {0, first, h}
  end
  redis.call('SET', KEYS[1], now .. '|' .. ARGV[3], 'PX', ARGV[2])
  return {1, now, h}
end
redis.call('SET', KEYS[1], now .. '|' .. ARGV[3], 'PX', ARGV[2])
return {1, now, ''}
`;

// KEYS: items, due, leased. ARGV: now, limit, leaseUntil
const TAKE_LUA = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[3], id)
  redis.call('ZADD', KEYS[2], ARGV[1], id)
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[2], id)
  local body = redis.call('HGET', KEYS[1], id)
  if body then
    redis.call('ZADD', KEYS[3], ARGV[3], id)
    table.insert(out, id)
    table.insert(out, body)
  end
end
return out
`;

// KEYS: items, due, leased. ARGV: now, then per entry: claim key, ttl ms, item id, stored item JSON, due at.
const ACCEPT_LUA = `
local out = {}
local n = (#ARGV - 1) / 5
for i = 0, n - 1 do
  local b = 2 + i * 5
  if redis.call('SET', ARGV[b], ARGV[1] .. '|', 'PX', ARGV[b + 1], 'NX') then
    redis.call('HSET', KEYS[1], ARGV[b + 2], ARGV[b + 3])
    redis.call('ZREM', KEYS[3], ARGV[b + 2])
    redis.call('ZADD', KEYS[2], ARGV[b + 4], ARGV[b + 2])
    table.insert(out, 1)
  else
    table.insert(out, 0)
  end
end
return out
`;

interface StoredItem {
  payload: unknown;
  dueAt: number;
  attempts: number;
  meta?: Record<string, unknown>;
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ocbClaim(key: string, now: string, ttl: string, hash: string): Result<[number, string, string], Context>;
    ocbTake(items: string, due: string, leased: string, now: string, limit: string, leaseUntil: string): Result<string[], Context>;
    ocbAccept(items: string, due: string, leased: string, ...args: string[]): Result<number[], Context>;
  }
}

export class RedisStateStore implements StateStore {
  readonly kind = 'redis' as const;
  readonly prefix: string;
  readonly client: Redis;
  private ownClient: boolean;
  private closed = false;

  constructor(opts: RedisStoreOptions) {
    this.prefix = opts.prefix ?? 'ocb:';
    if (opts.client) {
      this.client = opts.client;
      this.ownClient = false;
    } else {
      const options: RedisOptions = { maxRetriesPerRequest: 20, enableOfflineQueue: true, ...opts.redisOptions };
      if (opts.password) options.password = opts.password;
      this.client = opts.url ? new Redis(opts.url, options) : new Redis(options);
      this.ownClient = true;
    }
    this.client.defineCommand('ocbClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
    this.client.defineCommand('ocbTake', { numberOfKeys: 3, lua: TAKE_LUA });
    this.client.defineCommand('ocbAccept', { numberOfKeys: 3, lua: ACCEPT_LUA });
  }

  private k(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  async claim(namespace: string, key: string, ttlMs: number, contentHash?: string): Promise<ClaimResult> {
    const redisKey = this.k('claim', namespace, key);
    const ttl = String(Math.max(1, Math.floor(ttlMs)));
    const now = Date.now();
    if (contentHash === undefined) {
      // Key mode: SET NX PX is the atomic claim; on a repeat read when it was first seen.
      for (let i = 0; i < 3; i++) {
        const ok = await this.client.set(redisKey, `${now}|`, 'PX', ttl, 'NX');
        if (ok === 'OK') return { claimed: true, firstSeenAt: now };
        const v = await this.client.get(redisKey);
        if (v !== null) {
          const [first, hash] = splitClaim(v);
          const r: ClaimResult = { claimed: false, firstSeenAt: first };
          if (hash) r.previousHash = hash;
          return r;
        }
        // Expired between SET and GET: try again.
      }
      throw new Error(`claim of ${namespace}:${key} kept racing with its expiry`);
    }
    const [claimed, first, prev] = await this.client.ocbClaim(redisKey, String(now), ttl, contentHash);
    const r: ClaimResult = { claimed: Number(claimed) === 1, firstSeenAt: Number(first) };
    if (prev) r.previousHash = prev;
    return r;
  }

  async release(namespace: string, key: string): Promise<void> {
    await this.client.del(this.k('claim', namespace, key));
  }

  async get<T = unknown>(namespace: string, key: string): Promise<T | undefined> {
    const v = await this.client.get(this.k('kv', namespace, key));
    return v === null ? undefined : (JSON.parse(v) as T);
  }

  async set<T = unknown>(namespace: string, key: string, value: T, ttlMs?: number): Promise<void> {
    const json = JSON.stringify(value) ?? 'null';
    const redisKey = this.k('kv', namespace, key);
    if (ttlMs && ttlMs > 0) await this.client.set(redisKey, json, 'PX', Math.floor(ttlMs));
    else await this.client.set(redisKey, json);
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.client.del(this.k('kv', namespace, key));
  }

  private qKeys(queue: string): [string, string, string] {
    return [this.k('q', queue, 'items'), this.k('q', queue, 'due'), this.k('q', queue, 'leased')];
  }

  async acceptOnce<T = unknown>(namespace: string, queue: string, entries: Array<{ key: string; ttlMs: number; item: QueueItem<T> }>): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const [itemsKey, dueKey, leasedKey] = this.qKeys(queue);
    const args: string[] = [String(Date.now())];
    for (const { key, ttlMs, item } of entries) {
      const stored: StoredItem = { payload: item.payload, dueAt: item.dueAt, attempts: item.attempts ?? 0 };
      if (item.meta) stored.meta = item.meta;
      args.push(this.k('claim', namespace, key), String(Math.max(1, Math.floor(ttlMs))), item.id, JSON.stringify(stored), String(item.dueAt));
    }
    const flags = await this.client.ocbAccept(itemsKey, dueKey, leasedKey, ...args);
    return flags.map((f) => Number(f) === 1);
  }

  async enqueue<T = unknown>(queue: string, items: QueueItem<T>[]): Promise<void> {
    if (items.length === 0) return;
    const [itemsKey, dueKey, leasedKey] = this.qKeys(queue);
    const multi = this.client.multi();
    for (const item of items) {
      const stored: StoredItem = { payload: item.payload, dueAt: item.dueAt, attempts: item.attempts ?? 0 };
      if (item.meta) stored.meta = item.meta;
      multi.hset(itemsKey, item.id, JSON.stringify(stored));
      multi.zrem(leasedKey, item.id);
      multi.zadd(dueKey, item.dueAt, item.id);
    }
    await execOrThrow(multi.exec());
  }

  async take<T = unknown>(queue: string, limit: number, leaseMs: number, now?: number): Promise<QueueItem<T>[]> {
    const t = now ?? Date.now();
    const [itemsKey, dueKey, leasedKey] = this.qKeys(queue);
    const flat = await this.client.ocbTake(itemsKey, dueKey, leasedKey, String(t), String(Math.max(0, Math.floor(limit))), String(t + Math.max(1, leaseMs)));
    const out: QueueItem<T>[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const stored = JSON.parse(flat[i + 1]) as StoredItem;
      const item: QueueItem<T> = { id: flat[i], payload: stored.payload as T, dueAt: stored.dueAt, attempts: stored.attempts };
      if (stored.meta) item.meta = stored.meta;
      out.push(item);
    }
    return out;
  }

  async ack(queue: string, id: string): Promise<void> {
    const [itemsKey, dueKey, leasedKey] = this.qKeys(queue);
    await execOrThrow(this.client.multi().hdel(itemsKey, id).zrem(dueKey, id).zrem(leasedKey, id).exec());
  }

  reschedule<T = unknown>(queue: string, item: QueueItem<T>): Promise<void> {
    return this.enqueue(queue, [item]);
  }

  async size(queue: string): Promise<number> {
    return this.client.hlen(this.qKeys(queue)[0]);
  }

  async addDeadLetter<T = unknown>(queue: string, letter: DeadLetter<T>): Promise<void> {
    await execOrThrow(
      this.client
        .multi()
        .hset(this.k('dl', queue), letter.id, JSON.stringify(letter))
        .zadd(this.k('dl', queue, 'idx'), letter.failedAt, letter.id)
        .exec(),
    );
  }

  async listDeadLetters<T = unknown>(queue: string, limit = 1000): Promise<DeadLetter<T>[]> {
    if (limit <= 0) return [];
    const ids = await this.client.zrange(this.k('dl', queue, 'idx'), 0, Math.floor(limit) - 1);
    if (ids.length === 0) return [];
    const bodies = await this.client.hmget(this.k('dl', queue), ...ids);
    return bodies.filter((b): b is string => b !== null).map((b) => JSON.parse(b) as DeadLetter<T>);
  }

  async removeDeadLetter(queue: string, id: string): Promise<boolean> {
    const res = await execOrThrow(this.client.multi().hdel(this.k('dl', queue), id).zrem(this.k('dl', queue, 'idx'), id).exec());
    return Number(res[0]) > 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ownClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

function splitClaim(v: string): [number, string] {
  const sep = v.indexOf('|');
  if (sep < 0) return [Number(v), ''];
  return [Number(v.slice(0, sep)), v.slice(sep + 1)];
}

async function execOrThrow(p: Promise<Array<[Error | null, unknown]> | null>): Promise<unknown[]> {
  const res = await p;
  if (!res) throw new Error('redis transaction aborted');
  return res.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
