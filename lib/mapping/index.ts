export * from './engine';
export * from './transforms';
export * from './paths';
export * from './odoo-schema';
export { CANONICAL_SCHEMAS, CANONICAL_SCHEMA_NAMES, type CanonicalSchemaName } from './schemas';
