/** Shared by the node tests and the multi-process tests of the state/reliability area. */
import fs from 'fs';
import os from 'os';
import path from 'path';
import Redis from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ocb-${tag}-`));
}

export function uniquePrefix(tag: string): string {
  return `ocb-test-${tag}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}:`;
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const r = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    await r.quit();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `check` until it returns a truthy value or `timeoutMs` passes (then throw with `what`). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A state-store config node for the given backend, for test flows. */
export function storeConfigNode(id: string, backend: 'embedded' | 'redis', prefix: string): Record<string, unknown> {
  return backend === 'redis'
    ? { id, type: 'state-store', backend: 'redis', url: REDIS_URL, prefix }
    : { id, type: 'state-store', backend: 'embedded', path: '' };
}
