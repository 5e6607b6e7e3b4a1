/**
 * The seam between the sandbox's ORM (sandbox/odoo/orm, sandbox/odoo/models) and its protocol
 * front ends (sandbox/odoo/protocols). Protocols only see this interface.
 */
export type OdooVersion = 17 | 18 | 19;

export interface SandboxUser {
  uid: number;
  login: string;
  password: string;
  apiKey: string;
  name: string;
}

export interface SandboxDatabase {
  readonly name: string; // always "demo"
  readonly version: OdooVersion;
  /** Check login + password or API key; uid on success, false on bad credentials (never throws). */
  authenticate(login: string, password: string): number | false;
  /** Re-check credentials of a uid on every object call; throws AccessDenied when wrong. */
  checkCredentials(uid: number, password: string): void;
  /** uid for a bearer API key (JSON-2), or false. */
  uidForApiKey(key: string): number | false;
  /**
   * Run one ORM call as `uid`, the way Odoo's `call_kw` does: `args[0]` are ids for record methods,
   * `context` is taken from kwargs. Runs as one transaction: on any exception every change is rolled back.
   * Returns plain JSON-able values (false for empty scalars); `null` where Python would return None.
   * Throws the classes of ./exceptions.
   */
  execute(uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): unknown;
  /**
   * JSON-2 entry point: named parameters only, `ids` and `context` separate. Binds the parameters
   * to the method's signature and throws PythonError('TypeError') on a binding failure.
   */
  executeNamed(uid: number, model: string, method: string, ids: number[] | undefined, params: Record<string, unknown>, context: Record<string, unknown> | undefined): unknown;
  /** Whether the model exists (JSON-2 answers 404 otherwise). */
  hasModel(model: string): boolean;
  /** Snapshot of all data, for --data FILE. */
  dump(): unknown;
  users(): SandboxUser[];
}
