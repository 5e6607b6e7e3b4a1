/**
 * crm-server settings -> CrmClientConfig. Environment resolution is passed in by the node
 * (`${NAME}` values, fallbacks CRM_URL / CRM_TOKEN / CRM_WEBHOOK_SECRET) so lib/ stays Node-RED-free.
 */
import { CRM_PROVIDERS, type CrmClientConfig, type CrmProviderName } from './types';

export interface CrmServerSettings {
  provider?: string;
  url?: string;
  organizationId?: string;
  apiVersion?: string;
  signatureHeader?: string;
  rateMax?: string | number;
  rateInterval?: string | number;
  maxRetries?: string | number;
  timeout?: string | number;
  /** HubSpot: max webhook age, seconds. */
  maxAge?: string | number;
}

export interface CrmCredentials {
  token?: string;
  secret?: string;
  username?: string;
  clientId?: string;
  clientSecret?: string;
}

export interface EnvHelpers {
  envValue(value: unknown, fallbacks?: string[], def?: string): string;
  resolveEnv(value: unknown): string;
  log?: (line: string) => void;
}

export const DEFAULT_CRM_URLS: Record<CrmProviderName, string> = {
  hubspot: 'https://api.hubapi.com',
  salesforce: 'https://login.salesforce.com',
  pipedrive: 'https://api.pipedrive.com',
  generic: '',
};

export function buildCrmConfig(config: CrmServerSettings, creds: CrmCredentials, env: EnvHelpers): CrmClientConfig {
  const num = (v: unknown, def: number): number => {
    if (v === undefined || v === null || v === '') return def;
    const n = Number(env.resolveEnv(v));
    return Number.isFinite(n) ? n : def;
  };
  const provider = (CRM_PROVIDERS as readonly string[]).includes(String(config.provider)) ? (config.provider as CrmProviderName) : 'hubspot';
  const rateMax = num(config.rateMax, provider === 'hubspot' ? 100 : 0);
  return {
    provider,
    url: env.envValue(config.url, ['CRM_URL'], DEFAULT_CRM_URLS[provider]),
    token: env.envValue(creds.token, ['CRM_TOKEN']) || undefined,
    secret: env.envValue(creds.secret, ['CRM_WEBHOOK_SECRET']) || undefined,
    username: env.envValue(creds.username) || undefined,
    clientId: env.envValue(creds.clientId) || undefined,
    clientSecret: env.envValue(creds.clientSecret) || undefined,
    organizationId: env.envValue(config.organizationId) || undefined,
    apiVersion: env.envValue(config.apiVersion) || undefined,
    signatureHeader: env.envValue(config.signatureHeader) || undefined,
    rateLimit: rateMax > 0 ? { max: rateMax, intervalMs: num(config.rateInterval, 10_000) } : undefined,
    maxRetries: num(config.maxRetries, 3),
    timeoutMs: num(config.timeout, 30_000),
    maxWebhookAgeMs: num(config.maxAge, 300) * 1000,
    log: env.log,
  };
}
