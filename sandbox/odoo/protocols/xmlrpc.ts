/**
 * XML-RPC endpoints: `/xmlrpc/2/<service>` (integer fault codes) and the legacy `/xmlrpc/<service>`
 * (string fault codes). HTTP 200 even for faults, `Content-Type: text/xml; charset=utf-8`.
 * As in Odoo, the result is marshalled after the call's work was committed, so a method returning
 * None fails with fault 1 although its changes stay.
 */
import { asOdooException, internalError, Stage, xmlrpcFaultInt, xmlrpcFaultString } from './errors';
import { dispatchRpc, ServiceContext } from './services';
import { dumpFault, dumpResponse, MethodCall, parseMethodCall } from './xmlrpc-codec';

export interface XmlRpcOutcome {
  body: string;
  /** Set when the failure was a sandbox bug rather than an Odoo-shaped error. */
  internal?: Error;
}

export function handleXmlRpc(ctx: ServiceContext, service: string, xml: string, legacy: boolean): XmlRpcOutcome {
  let stage: Stage = 'xmlrpc-parse';
  try {
    const call: MethodCall = parseMethodCall(xml);
    stage = service === 'object' ? 'object' : 'common';
    const result = dispatchRpc(ctx, service, call.methodName, call.params);
    stage = 'xmlrpc-marshal';
    return { body: dumpResponse(result) };
  } catch (err) {
    const e = asOdooException(err);
    const fault = legacy ? xmlrpcFaultString(e, stage, ctx.version) : xmlrpcFaultInt(e, stage, ctx.version);
    return { body: dumpFault(fault.faultCode, fault.faultString), internal: internalError(e) };
  }
}
