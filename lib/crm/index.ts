/**
 * CRM clients: `createCrmClient(config)` returns the provider's CrmClient (see types.ts).
 */
import { CrmConfigError } from './errors';
import { GenericClient } from './generic';
import { HubSpotClient } from './hubspot';
import { PipedriveClient } from './pipedrive';
import { SalesforceClient } from './salesforce';
import type { CrmClient, CrmClientConfig } from './types';

export * from './types';
export * from './errors';
export { HubSpotClient, hubspotSignatureV3, normalizeHubSpotEvent } from './hubspot';
export { SalesforceClient, parseOutboundMessage, salesforceAck } from './salesforce';
export { PipedriveClient, normalizePipedriveEvent } from './pipedrive';
export { GenericClient, genericSignature } from './generic';
export { RateLimiter, RestClient, parseRetryAfter } from './http';

export function createCrmClient(config: CrmClientConfig): CrmClient {
  switch (config.provider) {
    case 'hubspot': return new HubSpotClient(config);
    case 'salesforce': return new SalesforceClient(config);
    case 'pipedrive': return new PipedriveClient(config);
    case 'generic': return new GenericClient(config);
    default: throw new CrmConfigError(`unknown CRM provider "${String((config as { provider?: unknown }).provider)}"`);
  }
}
