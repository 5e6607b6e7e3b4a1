export type { ClaimResult, DeadLetter, QueueItem, StateStore } from './types';
export { SqliteStateStore, type SqliteStoreOptions } from './sqlite';
export { RedisStateStore, type RedisStoreOptions } from './redis';
