/**
 * JSON-2 (Odoo 19 only): `POST /json/2/<model>/<method>` with `Authorization: bearer <API key>`,
 * optional `X-Odoo-Database`, a JSON object of named arguments plus `ids` and `context`.
 * Answers the bare JSON result (200) or Odoo's error body `{name, message, arguments, context, debug}`
 * with the exception's HTTP status (odoo-api.md §2.2).
 */
import { PythonError } from '../exceptions';
import { asOdooException, badRequest, HttpError, internalError, json2Error, notFound, unauthorized, unprocessable } from './errors';
import type { HttpOutcome } from './jsonrpc';
import { checkModelMethod, concurrentUpdateError, ServiceContext } from './services';

const JSON_TYPE = 'application/json; charset=utf-8';
const PATH_RE = /^\/json\/2\/([^/]+)\/([^/]+)$/;
const BEARER_RE = /^bearer\s+(.+)$/i;

export interface Json2Request {
  httpMethod: string;
  path: string;
  authorization?: string;
  database?: string;
  body: string;
}

export function handleJson2(ctx: ServiceContext, req: Json2Request): HttpOutcome {
  let internal: Error | undefined;
  try {
    const m = PATH_RE.exec(req.path);
    if (!m) throw notFound('Did you mean POST /json/2/<model>/<method>?');
    if (req.httpMethod !== 'POST') {
      throw new HttpError(405, 'The method is not allowed for the requested URL.', 'werkzeug.exceptions.MethodNotAllowed', { Allow: 'POST' });
    }
    const model = decodeURIComponent(m[1]);
    const method = decodeURIComponent(m[2]);
    if (req.database !== undefined && req.database !== ctx.db.name) {
      throw notFound(`database ${JSON.stringify(req.database)} not found`);
    }
    const auth = req.authorization === undefined ? null : BEARER_RE.exec(req.authorization.trim());
    const uid = auth ? ctx.db.uidForApiKey(auth[1].trim()) : false;
    if (uid === false) throw unauthorized('Invalid apikey');

    let body: unknown = {};
    if (req.body.trim() !== '') {
      try {
        body = JSON.parse(req.body);
      } catch (err) {
        throw badRequest(`could not parse the body as json: ${(err as Error).message}`);
      }
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('could not parse the body, a JSON object was expected');
    }
    const params: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    const rawIds = params.ids;
    const rawContext = params.context;
    delete params.ids;
    delete params.context;

    if (!ctx.db.hasModel(model)) throw notFound(`the model ${JSON.stringify(model)} does not exist`);
    checkModelMethod(ctx, model, method);

    let ids: number[] | undefined;
    if (rawIds !== undefined && rawIds !== null) {
      const list = Array.isArray(rawIds) ? rawIds : [rawIds];
      if (!list.every((v) => Number.isInteger(v))) throw unprocessable('ids must be a list of integers');
      ids = list as number[];
    }
    let context: Record<string, unknown> | undefined;
    if (rawContext !== undefined && rawContext !== null) {
      if (typeof rawContext !== 'object' || Array.isArray(rawContext)) throw unprocessable('context must be a JSON object');
      context = rawContext as Record<string, unknown>;
    }
    const cu = ctx.faults.concurrentUpdate();
    if (cu) throw concurrentUpdateError(cu, ctx.version);

    let result: unknown;
    try {
      result = ctx.db.executeNamed(uid, model, method, ids, params, context);
    } catch (err) {
      if (err instanceof PythonError && err.excType === 'TypeError') throw unprocessable(err.message);
      if (err instanceof PythonError && err.excType === 'AttributeError' && /does not exist/.test(err.message)) throw notFound(err.message);
      throw err;
    }
    // Any recordset becomes a list of ids on JSON-2, so create answers a list even for one dict.
    if (method === 'create' && typeof result === 'number') result = [result];
    return { status: 200, contentType: JSON_TYPE, body: JSON.stringify(result === undefined ? null : result) };
  } catch (err) {
    const e = asOdooException(err);
    internal = internalError(e);
    const { status, body, headers } = json2Error(e, ctx.version);
    return { status, contentType: JSON_TYPE, body: JSON.stringify(body), headers, internal };
  }
}
