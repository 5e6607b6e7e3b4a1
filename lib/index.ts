/** The engine, usable without Node-RED: Odoo client, CRM providers, mapping, state stores, reliability. */
export * as odoo from './odoo';
export * as crm from './crm';
export * as mapping from './mapping';
export * as state from './state';
export * as reliability from './reliability';
