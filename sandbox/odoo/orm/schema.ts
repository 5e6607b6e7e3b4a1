/**
 * The sandbox ORM's public schema: how a model is described as data, what computes and methods
 * receive (Env), and the registration API. Model files (sandbox/odoo/models/*.ts) import only
 * from here. This file only grows (additive changes); see docs/sandbox-orm.md for examples.
 */
import type { OdooVersion } from '../types';

export type { OdooVersion };

export type FieldType =
  | 'char' | 'text' | 'html' | 'integer' | 'float' | 'monetary' | 'boolean' | 'date' | 'datetime'
  | 'selection' | 'many2one' | 'one2many' | 'many2many' | 'binary';

/** A vals dict as given to create/write (field name -> value, x2many values are command lists). */
export type Vals = Record<string, unknown>;
/** A domain in Odoo's list form: ['|', ['a','=',1], ['b','ilike','x']]. */
export type Domain = unknown[];
export type Context = Record<string, unknown>;
export type SelectionList = Array<[string, string]>;
/** Access permissions: r(ead) w(rite) c(reate) u(nlink). */
export type Perm = 'read' | 'write' | 'create' | 'unlink';

/**
 * A stored record as the ORM keeps it: `id`, then one key per stored field.
 * many2one -> id | false, x2many (many2many only; one2many is derived) -> number[],
 * scalars as they are returned by read (false for empty char/date/..., 0 for empty numbers).
 * Treat as read-only: mutate only through env.model(...).write().
 */
export interface Row {
  readonly id: number;
  readonly [field: string]: unknown;
}

/** A field default: a JSON value, or a function of the env and the create vals given so far. */
export type DefaultValue =
  | string | number | boolean | null | unknown[] | { [key: string]: unknown }
  | ((env: Env, vals: Vals) => unknown);

export interface FieldDef {
  type: FieldType;
  /** Label (fields_get 'string'); defaults to the field name humanised like Odoo ("Partner" for partner_id). */
  string?: string;
  help?: string;
  required?: boolean;
  /** Readonly for fields_get; the ORM still lets create/write set it (Odoo does too over RPC). */
  readonly?: boolean;
  /** Default value, or a function of the env and the create vals given so far. */
  default?: DefaultValue;
  /** Comodel for many2one / one2many / many2many. */
  relation?: string;
  /** one2many: the many2one field on the comodel that points back. */
  inverseName?: string;
  /** many2one: what happens to this record when the target is unlinked (default 'set null'). */
  ondelete?: 'cascade' | 'set null' | 'restrict';
  /** selection: static list or per-version list. */
  selection?: SelectionList | ((version: OdooVersion) => SelectionList);
  /**
   * Computed field: returns one value per row, in the order of `rows` (values in read shape for scalars,
   * id | false for many2one, number[] for x2many). Non-stored computes run on every read/search;
   * stored ones (store: true) are recomputed after create/write when a `depends` path changes.
   */
  compute?: (env: Env, rows: Row[]) => unknown[];
  /** Stored computed field (default false for computed fields, true otherwise). */
  store?: boolean;
  /** Dependencies of a stored compute, dotted paths like Odoo's @api.depends: ['order_line.price_subtotal']. */
  depends?: string[];
  /**
   * Search for a non-stored computed field: return a domain on this model equivalent to
   * [name, operator, value]. Without it, the ORM evaluates the compute in memory (always correct, slower).
   * Set `searchable: false` to make the field unsearchable, as Odoo does for computes without search.
   */
  search?: (env: Env, operator: string, value: unknown) => Domain;
  searchable?: boolean;
  /** Write handler for a computed field (Odoo's inverse): called with the ids and the written value. */
  inverse?: (env: Env, ids: number[], value: unknown) => void;
  /** Related field, e.g. 'product_tmpl_id.list_price' (read, search and write through the path). */
  related?: string;
  /** Field exists only on these versions (e.g. res.partner.mobile: [17, 18]). */
  onlyVersions?: OdooVersion[];
  /**
   * Field is renamed from a version on: { 19: 'tax_ids' } on a field declared as 'tax_id' means
   * 'tax_id' on 17/18 and 'tax_ids' on 19. Business code gets the actual name with env.fieldName().
   */
  renamedIn?: Partial<Record<OdooVersion, string>>;
  /** Field-level access like Odoo's groups="a.b,c.d": the user needs one of them to read/write/search it. */
  groups?: string;
  /**
   * Char field filled from a sequence on create when the value is missing or equal to
   * `placeholder` (default 'New'). prefix may use %(year)s, %(month)s, %(day)s (transaction date).
   */
  sequence?: { code: string; prefix: string; padding: number; placeholder?: string };
  /** Extra fields_get attributes. */
  digits?: [number, number];
  size?: number;
  translate?: boolean;
  /** currency field for monetary (default 'currency_id'). */
  currencyField?: string;
  /** Domain / context attributes for fields_get (informational). */
  domain?: Domain;
  context?: Context;
  /** Aggregator for read_group ('sum' default for integer/float/monetary). */
  aggregator?: 'sum' | 'avg' | 'min' | 'max' | 'count' | 'count_distinct' | 'bool_and' | 'bool_or' | null;
  /** Copied by copy() (default true except one2many). */
  copy?: boolean;
  /** Index hint: the ORM keeps a value -> ids index for equality searches. */
  index?: boolean;
}

/** A method parameter in Python signature order (after self/ids): name, or name with a default. */
export type ParamDef = string | { name: string; default: unknown };

export interface MethodDef {
  /** 'model' = @api.model (args as-is); 'records' = args[0] are the record ids. */
  kind: 'model' | 'records';
  /** Parameters in Python signature order (not counting ids). */
  params: ParamDef[];
  /** Accepts extra keyword arguments (**kwargs), passed through in args. */
  varKwargs?: boolean;
  /**
   * The method returns a recordset (Recordset) that RPC turns into ids: on 19 always,
   * on 17/18 only for methods declared with @api.returns, which this flag stands for.
   */
  returnsRecordset?: boolean;
  /** @api.private (18+) even without a leading underscore. */
  private?: boolean;
  /** Checked on the model before impl runs (the impl's own ORM calls are checked too, unless it uses env.sudo()). */
  checkAccess?: Perm;
  /** Method exists only on these versions (e.g. create_returns <= 17, action_create_returns >= 18). */
  onlyVersions?: OdooVersion[];
  /**
   * ids: null for 'model' methods; the (existing, checked) ids for 'records' methods.
   * args: parameters bound by name, defaults filled in (plus extra kwargs when varKwargs).
   * Return JSON-able values; a Recordset for recordsets; `null` where Python returns None.
   */
  impl: (env: Env, ids: number[] | null, args: Record<string, unknown>) => unknown;
}

export interface ConstraintDef {
  /** Run after create/write when one of these fields is set (Odoo's @api.constrains). */
  fields: string[];
  /** Throw a ValidationError (sandbox/odoo/exceptions) when the records are invalid. */
  check: (env: Env, ids: number[]) => void;
}

export interface UniqueConstraintDef {
  /** SQL UNIQUE over these fields (nulls/false never collide). */
  fields: string[];
  /** Message of the ValidationError. */
  message: string;
}

export interface ModelDef {
  name: string;
  /** _description: the label used in access error messages ("Contact"). */
  description: string;
  /** _order, e.g. 'complete_name ASC, id DESC' (default 'id'). */
  order?: string;
  /** _rec_name (default 'name' if the model has it, else display_name is "model,id"). */
  recName?: string;
  /** _parent_name for child_of / parent_of (default 'parent_id' if the model has it). */
  parentName?: string;
  /** _rec_names_search: fields matched (OR) by name_search and by names given for a many2one in a domain. */
  recNamesSearch?: string[];
  /** TransientModel (wizards). */
  transient?: boolean;
  /** _inherits: { 'product.template': 'product_tmpl_id' } (delegation; parent fields become related fields). */
  inherits?: Record<string, string>;
  fields: Record<string, FieldDef>;
  methods?: Record<string, MethodDef>;
  constraints?: ConstraintDef[];
  unique?: UniqueConstraintDef[];
  /** Model exists only on these versions. */
  onlyVersions?: OdooVersion[];
  /** display_name compute (default: the rec_name value); rows are stored rows. */
  displayName?: (env: Env, rows: Row[]) => string[];
  /** _log_access (create_uid/create_date/write_uid/write_date), default true. */
  logAccess?: boolean;
}

/** Partial definition merged into an existing model (Odoo's _inherit of the same name). */
export interface ModelExtension {
  order?: string;
  recName?: string;
  parentName?: string;
  recNamesSearch?: string[];
  fields?: Record<string, FieldDef>;
  methods?: Record<string, MethodDef>;
  constraints?: ConstraintDef[];
  unique?: UniqueConstraintDef[];
  displayName?: (env: Env, rows: Row[]) => string[];
}

/** A recordset value returned by a method: the RPC layer turns it into ids (see MethodDef.returnsRecordset). */
export class Recordset {
  constructor(readonly model: string, readonly ids: number[]) {}
}

export interface SearchOptions {
  offset?: number;
  limit?: number | null;
  order?: string | null;
}

/** ORM operations on one model for one env (user + context). Access rights are checked unless env is sudo. */
export interface ModelApi {
  readonly name: string;
  readonly def: ModelDef;
  search(domain: Domain, options?: SearchOptions): number[];
  searchCount(domain: Domain, limit?: number | null): number;
  /** read() as over RPC: fields default to all readable fields; load '_classic_read' gives many2one [id, name]. */
  read(ids: number[], fields?: string[] | null, load?: string | null): Record<string, unknown>[];
  searchRead(domain: Domain, fields?: string[] | null, options?: SearchOptions): Record<string, unknown>[];
  /** One dict -> id; use createMulti for a list. */
  create(vals: Vals): number;
  createMulti(valsList: Vals[]): number[];
  write(ids: number[], vals: Vals): true;
  unlink(ids: number[]): true;
  /** Stored rows (no access check, no computed fields); undefined for missing ids. Fast path for computes. */
  row(id: number): Row | undefined;
  rows(ids: number[]): Row[];
  /** The value of one field (stored or computed), read shape with load=null (many2one as id | false). */
  get(id: number, field: string): unknown;
  /** Ids that still exist. */
  exists(ids: number[]): number[];
  browse(ids: number[]): Recordset;
  /** Call a public or private method of this model as over RPC, with named args. */
  call(method: string, ids: number[] | null, args?: Record<string, unknown>): unknown;
  displayNames(ids: number[]): string[];
  nameSearch(name: string, domain?: Domain, operator?: string, limit?: number | null): Array<[number, string]>;
  defaultGet(fields: string[]): Vals;
}

export interface UserInfo {
  id: number;
  login: string;
  name: string;
  companyId: number;
  partnerId: number;
  groups: ReadonlySet<string>;
}

export interface Env {
  readonly uid: number;
  readonly context: Readonly<Context>;
  readonly version: OdooVersion;
  /** True when access rights are bypassed (env.sudo()). */
  readonly su: boolean;
  readonly registry: Registry;
  /** Transaction time, the same for the whole call: 'YYYY-MM-DD HH:MM:SS' UTC. */
  now(): string;
  /** Transaction date 'YYYY-MM-DD' UTC. */
  today(): string;
  model(name: string): ModelApi;
  sudo(): Env;
  withContext(extra: Context): Env;
  withUser(uid: number): Env;
  user(): UserInfo;
  hasGroup(xmlid: string): boolean;
  /** Actual name of a field on this version (resolves FieldDef.renamedIn): fieldName('sale.order.line','tax_id'). */
  fieldName(model: string, declaredName: string): string;
  /** Next value of a sequence: prefix (with %(year)s...) + zero-padded number. */
  nextSequence(code: string, prefix: string, padding: number): string;
  /** Record id of an external id ('base.main_company'), or false. */
  ref(xmlid: string): number | false;
  /** Register an external id for a record (seed data). */
  setRef(xmlid: string, model: string, id: number): void;
}

/** Group-based model access, like ir.model.access rows. */
export interface AccessGrant {
  model: string;
  /** Group external id; '*' means every user (a global rule). */
  group: string;
  perms: { read: boolean; write: boolean; create: boolean; unlink: boolean };
}

export interface GroupDef {
  xmlid: string;
  name: string;
  /** Groups implied (a user in this group is also in those). */
  implied?: string[];
}

export interface Registry {
  readonly version: OdooVersion;
  /** Add a model (skipped when def.onlyVersions excludes this version). */
  define(def: ModelDef): void;
  /** Add fields/methods/constraints to an existing model (Odoo _inherit). */
  extend(name: string, ext: ModelExtension): void;
  has(name: string): boolean;
  /** The resolved definition (version filtering and renames applied). */
  get(name: string): ModelDef;
  modelNames(): string[];
  /** Grant perms as a string of letters r, w, c, u ('rwcu' = full) on a model to a group ('*' = everyone). */
  grant(model: string, group: string, perms: string): void;
  defineGroup(group: GroupDef): void;
  grants(): AccessGrant[];
}

/** A module's entry point: defines or extends models and grants rights for one version. */
export type ModuleRegistrar = (registry: Registry, version: OdooVersion) => void;

/** Identity helper giving type checking and inference to model definitions. */
export function defineModel(def: ModelDef): ModelDef {
  return def;
}

/** Well-known group external ids used by the base module and the seeded users. */
export const GROUPS = {
  user: 'base.group_user',
  system: 'base.group_system',
  erpManager: 'base.group_erp_manager',
  partnerManager: 'base.group_partner_manager',
  /** The sandbox's least-privilege integration role (see docs/sandbox-orm.md). */
  integration: 'sandbox.group_integration',
  accountInvoice: 'account.group_account_invoice',
  accountReadonly: 'account.group_account_readonly',
  accountManager: 'account.group_account_manager',
  saleSalesman: 'sales_team.group_sale_salesman',
  saleManager: 'sales_team.group_sale_manager',
  stockUser: 'stock.group_stock_user',
  stockManager: 'stock.group_stock_manager',
} as const;
