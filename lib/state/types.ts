/**
 * The durable state every reliability feature is built on. Two backends implement it:
 * SQLite (embedded, default) and Redis (several Node-RED instances sharing the work).
 * Every method that records something resolves only after it is durable (committed / acknowledged).
 */
export interface ClaimResult {
  /** true the first time a key is seen inside its expiry window (the caller owns it). */
  claimed: boolean;
  /** When the key was first claimed (ms since epoch). */
  firstSeenAt: number;
  /** The content hash stored with the key at its last claim, if any. */
  previousHash?: string;
}

export interface QueueItem<T = unknown> {
  id: string;
  payload: T;
  /** ms since epoch when it may be taken. */
  dueAt: number;
  attempts: number;
  /** Free-form history (e.g. attempts with their errors). */
  meta?: Record<string, unknown>;
}

export interface DeadLetter<T = unknown> {
  id: string;
  payload: T;
  reason: string;
  failedAt: number;
  meta?: Record<string, unknown>;
}

export interface StateStore {
  readonly kind: 'embedded' | 'redis';

  /**
   * Atomic idempotency claim. First sight of `key` in `namespace` within `ttlMs` -> claimed true.
   * With `contentHash`: a key seen before whose stored hash differs is claimed again (changed content),
   * and the new hash is stored; the same hash -> claimed false.
   */
  claim(namespace: string, key: string, ttlMs: number, contentHash?: string): Promise<ClaimResult>;
  /**
   * Claim each key and, for those claimed, enqueue their item — both in one atomic step, so a crash can
   * never leave a key claimed without its item (which would turn the sender's redelivery into a silent drop).
   * Returns, per entry, whether it was claimed (and enqueued).
   */
  acceptOnce<T = unknown>(namespace: string, queue: string, entries: Array<{ key: string; ttlMs: number; item: QueueItem<T> }>): Promise<boolean[]>;
  /** Forget a claim (e.g. the work after it failed and should be accepted again). */
  release(namespace: string, key: string): Promise<void>;

  /** Small key/value state: cursors, caches, last-seen values. `ttlMs` optional. */
  get<T = unknown>(namespace: string, key: string): Promise<T | undefined>;
  set<T = unknown>(namespace: string, key: string, value: T, ttlMs?: number): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;

  /** Durable queue (inbox of accepted events, retry schedule). Same id again replaces the item. */
  enqueue<T = unknown>(queue: string, items: QueueItem<T>[]): Promise<void>;
  /**
   * Lease up to `limit` items whose dueAt <= now. A leased item is invisible to every other taker
   * (other instances too) until `leaseMs` passes; then it is due again (the taker died).
   */
  take<T = unknown>(queue: string, limit: number, leaseMs: number, now?: number): Promise<QueueItem<T>[]>;
  /** The leased item is done: remove it. */
  ack(queue: string, id: string): Promise<void>;
  /** Put a leased item back with a new due time (and updated attempts/meta). */
  reschedule<T = unknown>(queue: string, item: QueueItem<T>): Promise<void>;
  /** Count of items (leased or not). */
  size(queue: string): Promise<number>;

  addDeadLetter<T = unknown>(queue: string, letter: DeadLetter<T>): Promise<void>;
  listDeadLetters<T = unknown>(queue: string, limit?: number): Promise<DeadLetter<T>[]>;
  removeDeadLetter(queue: string, id: string): Promise<boolean>;

  close(): Promise<void>;
}
