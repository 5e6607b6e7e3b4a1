/**
 * Odoo's exception hierarchy as the sandbox raises it. The protocol front ends
 * (XML-RPC, JSON-RPC, JSON-2) turn these into Odoo's own fault shapes:
 *   UserError family -> XML-RPC fault 2, JSON-2 422 (MissingError 404, LockError 409)
 *   AccessError      -> fault 4, 403
 *   AccessDenied     -> fault 3, 403 (401 for a bad JSON-2 key)
 *   PythonError      -> fault 1 with a traceback-looking text, 500 (ValueError, AttributeError, TypeError...)
 */
export class OdooException extends Error {
  /** Module-qualified Python class name, e.g. "odoo.exceptions.UserError" (JSON-RPC data.name). */
  readonly pythonName: string;
  constructor(pythonName: string, message: string) {
    super(message);
    this.pythonName = pythonName;
    this.name = pythonName.split('.').pop() as string;
  }
}

export class UserError extends OdooException {
  constructor(message: string, pythonName = 'odoo.exceptions.UserError') {
    super(pythonName, message);
  }
}

export class ValidationError extends UserError {
  constructor(message: string) {
    super(message, 'odoo.exceptions.ValidationError');
  }
}

export class MissingError extends UserError {
  constructor(message: string) {
    super(message, 'odoo.exceptions.MissingError');
  }
}

/** Odoo 19's LockError (concurrent update on a locked row); also used for the injected concurrent-update fault. */
export class LockError extends UserError {
  constructor(message: string) {
    super(message, 'odoo.exceptions.LockError');
  }
}

export class RedirectWarning extends UserError {
  constructor(message: string) {
    super(message, 'odoo.exceptions.RedirectWarning');
  }
}

export class AccessError extends OdooException {
  constructor(message: string) {
    super('odoo.exceptions.AccessError', message);
  }
}

export class AccessDenied extends OdooException {
  constructor(message = 'Access Denied') {
    super('odoo.exceptions.AccessDenied', message);
  }
}

/**
 * Any non-Odoo Python exception (ValueError for bad domains and unknown fields,
 * AttributeError for unknown methods, TypeError for wrong arguments, psycopg2 errors).
 * `excType` is the bare Python type name used in the traceback's last line,
 * `pythonName` the qualified name for JSON-RPC (e.g. "builtins.ValueError").
 */
export class PythonError extends OdooException {
  readonly excType: string;
  constructor(excType: string, message: string, pythonName = `builtins.${excType}`) {
    super(pythonName, message);
    this.excType = excType;
  }
}
