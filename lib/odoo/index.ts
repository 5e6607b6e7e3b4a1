export * from './client';
export * from './errors';
export * from './upsert';
export { toJson2Request, JSON2_SIGNATURES } from './json2-params';
