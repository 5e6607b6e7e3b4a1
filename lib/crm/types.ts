/**
 * The canonical CRM event every provider is normalised to, and the client interface the nodes use.
 */

export const CRM_PROVIDERS = ['hubspot', 'salesforce', 'pipedrive', 'generic'] as const;
export type CrmProviderName = (typeof CRM_PROVIDERS)[number];

export const CRM_OBJECT_TYPES = ['company', 'contact', 'deal', 'line_item', 'ticket'] as const;
export type CrmObjectType = (typeof CRM_OBJECT_TYPES)[number];

export const CRM_ACTIONS = ['created', 'updated', 'deleted', 'stage_changed', 'associated'] as const;
export type CrmAction = (typeof CRM_ACTIONS)[number];

/** A CRM record in provider-neutral shape: flat properties (provider field names) and associated ids. */
export interface CrmRecord {
  id: string;
  objectType: CrmObjectType;
  properties: Record<string, unknown>;
  /** Associated records' ids by canonical object type. */
  associations?: Partial<Record<CrmObjectType, string[]>>;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
}

export interface PropertyChange {
  from?: unknown;
  to: unknown;
}

export interface CanonicalEvent {
  provider: CrmProviderName;
  objectType: CrmObjectType;
  action: CrmAction;
  crmId: string;
  /** ISO 8601. */
  occurredAt: string;
  /** Unique per event and stable across redeliveries (dedupe key). */
  eventId: string;
  /** Changed properties ({} when unknown, e.g. creations and deletions). */
  changes: Record<string, PropertyChange>;
  /** The full record (fetched for HubSpot), null for deletions or when it no longer exists. */
  record: CrmRecord | null;
  /** For `associated`: the other side. */
  association?: { objectType: CrmObjectType | string; crmId: string; removed: boolean; type?: string };
  /** Provider-specific origin of the change (HubSpot changeSource, Pipedrive change_source...). */
  source?: string;
  /** Delivery attempt number as the provider counts it, when it says. */
  attempt?: number;
}

/** An incoming webhook request as the trigger hands it to a provider. */
export interface WebhookRequest {
  method: string;
  /** The full URL the sender called (scheme, host, path, query): HubSpot signs it. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** ms since epoch (tests). */
  now?: number;
}

export interface WebhookReply {
  status: number;
  contentType?: string;
  body?: string;
}

export interface ParsedWebhook {
  /** Events of known types (records not yet fetched). */
  events: CanonicalEvent[];
  /** Events that were authentic but not understood (unknown subscription types...): logged, not emitted. */
  skipped: Array<{ reason: string; raw: unknown }>;
}

export interface FetchOptions {
  properties?: string[];
  associations?: CrmObjectType[];
}

export interface PollCursor {
  /** ms since epoch of the last accepted modification. */
  since: number;
  /** Ids already accepted at exactly `since` (same-timestamp records on a page boundary). */
  idsAtSince: string[];
  /** Provider paging token inside one poll cycle. */
  after?: string;
}

export interface PollPage {
  events: CanonicalEvent[];
  /** Cursor after this page (store it once the events are accepted). */
  cursor: PollCursor;
  /** More pages are waiting now. */
  more: boolean;
}

export interface PollOptions extends FetchOptions {
  pageSize?: number;
}

export interface UpsertResult {
  record: CrmRecord;
  created: boolean;
}

export interface ConnectionInfo {
  provider: CrmProviderName;
  url: string;
  /** Human-readable summary of what the credentials can see. */
  detail: string;
  account?: Record<string, unknown>;
}

export interface CrmClient {
  readonly provider: CrmProviderName;
  /** Throws WebhookAuthError when the request is not authentic. Checks nothing else. */
  verifyWebhook(req: WebhookRequest): void;
  /** Parses an authentic request. Throws WebhookPayloadError on malformed bodies. */
  parseWebhook(req: WebhookRequest): ParsedWebhook;
  /** The answer the provider expects once the events are accepted. */
  webhookAck(events: CanonicalEvent[]): WebhookReply;
  /** The answer for a rejected request (the provider's format where it has one). */
  webhookReject(status: number, reason: string): WebhookReply;
  /** Fills `record` (and for HubSpot `changes`) for events that carry ids only. Deleted/missing records stay null. */
  hydrate(events: CanonicalEvent[], opts?: FetchOptions): Promise<CanonicalEvent[]>;
  /** Records by id; missing ids are left out. */
  getRecords(objectType: CrmObjectType, ids: string[], opts?: FetchOptions): Promise<CrmRecord[]>;
  /** One page of records changed since the cursor, oldest first. */
  poll(objectType: CrmObjectType, cursor: PollCursor | undefined, opts?: PollOptions): Promise<PollPage>;
  update(objectType: CrmObjectType, crmId: string, properties: Record<string, unknown>): Promise<CrmRecord>;
  addNote(objectType: CrmObjectType, crmId: string, body: string, opts?: { title?: string; timestamp?: string }): Promise<{ id: string }>;
  upsert(objectType: CrmObjectType, idProperty: string, idValue: string, properties: Record<string, unknown>): Promise<UpsertResult>;
  testConnection(): Promise<ConnectionInfo>;
  close(): void;
}

export interface CrmClientConfig {
  provider: CrmProviderName;
  /** API base URL (HubSpot https://api.hubapi.com, Salesforce instance URL, Pipedrive https://<company>.pipedrive.com). */
  url: string;
  /** Access token (HubSpot private app / OAuth, Pipedrive API token, generic bearer). */
  token?: string;
  /** Webhook secret: HubSpot app client secret, generic HMAC key, Pipedrive basic-auth password. */
  secret?: string;
  /** Pipedrive webhook basic-auth user. */
  username?: string;
  /** Salesforce OAuth client-credentials flow. */
  clientId?: string;
  clientSecret?: string;
  /** Salesforce: the 18 (or 15) character organisation id outbound messages must carry. */
  organizationId?: string;
  /** Salesforce REST API version, default v60.0. */
  apiVersion?: string;
  /** Generic: header holding the HMAC (default x-signature). */
  signatureHeader?: string;
  /** HubSpot: maximum webhook age (default 300 000 ms). */
  maxWebhookAgeMs?: number;
  /** Client-side limit: at most `max` requests per `intervalMs`. */
  rateLimit?: { max: number; intervalMs: number };
  /** Retries on 429/5xx/network errors (default 3). */
  maxRetries?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Longest wait the client accepts for one Retry-After before failing with the typed error (default 60 s). */
  maxRetryWaitMs?: number;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}
