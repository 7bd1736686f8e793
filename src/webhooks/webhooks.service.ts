// Webhook endpoints of a reseller (registered from the CLI or the console) and the event
// history with every delivery attempt, for the console's list.
import { randomBytes } from 'node:crypto';
import { isoNow, type Clock } from '../clock.js';
import type { Store } from '../db/store.js';
import { refusedHost } from './destination.js';
import {
  countActiveEndpoints,
  deliveriesWithAttempts,
  disableEndpoint,
  endpointsOf,
  insertEndpoint,
  recentEvents,
  type EndpointView,
} from './webhooks.repository.js';

export class WebhookInputError extends Error {
  override name = 'WebhookInputError';
}

/** Most active endpoints per reseller (a limit of ours). */
export const MAX_ENDPOINTS = 10;
export const MAX_URL_LENGTH = 500;

/**
 * Endpoints are https URLs on a public address; with `allowPrivate` (PLACEORDER_WEBHOOK_ALLOW_PRIVATE,
 * tests and local development) also on this machine or a private network, and plain http for the
 * local machine. No credentials in the URL, no fragment. A host name is not resolved here: what
 * it resolves to is checked at every delivery (src/webhooks/outbound.ts).
 */
export function checkEndpointUrl(text: string, allowPrivate = false): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookInputError(`"${text.slice(0, MAX_URL_LENGTH)}" is not an absolute URL`);
  }
  if (text.length > MAX_URL_LENGTH) throw new WebhookInputError(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  const refused = allowPrivate ? undefined : refusedHost(url);
  // Issue 13, finding 10.3: the server must not be made to post into its own network.
  if (refused !== undefined) {
    throw new WebhookInputError(`a webhook URL must be on a public address: ${refused} (PLACEORDER_WEBHOOK_ALLOW_PRIVATE=true allows it for local development)`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local && allowPrivate)) {
    throw new WebhookInputError('a webhook URL must be https (http only for localhost, with PLACEORDER_WEBHOOK_ALLOW_PRIVATE=true)');
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') throw new WebhookInputError('a webhook URL carries no credentials and no #fragment');
  return url.toString();
}

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

export interface RegisteredEndpoint {
  readonly id: number;
  readonly url: string;
  /** Shown once: the reseller keeps it to verify signatures. */
  readonly secret: string;
}

export interface EndpointOptions {
  /** The signing secret; a new random one when absent. */
  readonly secret?: string | undefined;
  /** Config.webhookAllowPrivate. */
  readonly allowPrivate: boolean;
}

export async function registerEndpoint(store: Store, clock: Clock, resellerId: number, urlText: string, o: EndpointOptions): Promise<RegisteredEndpoint> {
  const url = checkEndpointUrl(urlText, o.allowPrivate);
  const key = o.secret ?? newSecret();
  if (key.length < 16 || key.length > 200) throw new WebhookInputError('the secret must be 16 to 200 characters');
  const id = await store.write(async (tx) => {
    if ((await countActiveEndpoints(tx, resellerId)) >= MAX_ENDPOINTS) throw new WebhookInputError(`at most ${MAX_ENDPOINTS} active endpoints per reseller`);
    return insertEndpoint(tx, { resellerId, url, secret: key, at: isoNow(clock) });
  });
  return { id, url, secret: key };
}

export async function removeEndpoint(store: Store, resellerId: number, endpointId: number): Promise<boolean> {
  return store.write((tx) => disableEndpoint(tx, resellerId, endpointId));
}

export type { EndpointView } from './webhooks.repository.js';

export async function listEndpoints(store: Store, resellerId: number): Promise<EndpointView[]> {
  return endpointsOf(store.db, resellerId);
}

export interface EventView {
  readonly rowId: number;
  readonly eventId: string;
  readonly orderNumber: number;
  readonly type: string;
  readonly createdAt: string;
  readonly deliveries: ReadonlyArray<{
    readonly url: string;
    readonly state: string;
    readonly attempts: ReadonlyArray<{ at: string; httpStatus: number | null; error: string | null; durationMs: number }>;
    readonly nextAttemptAt: string | null;
    readonly deliveredAt: string | null;
  }>;
}

/** The newest events of a reseller with their deliveries and attempts (page by `beforeRowId`). */
export async function listEvents(store: Store, resellerId: number, limit = 50, beforeRowId?: number): Promise<EventView[]> {
  const events = await recentEvents(store.db, resellerId, Math.min(Math.max(limit, 1), 200), beforeRowId);
  const { deliveries, attempts } = await deliveriesWithAttempts(store.db, events.map((e) => e.id));
  return events.map((e) => ({
    rowId: e.id,
    eventId: e.event_id,
    orderNumber: e.order_id,
    type: e.type,
    createdAt: e.created_at,
    deliveries: deliveries
      .filter((d) => d.event_row_id === e.id)
      .map((d) => ({
        url: d.url,
        state: d.state,
        attempts: attempts
          .filter((a) => a.delivery_id === d.id)
          .map((a) => ({ at: a.at, httpStatus: a.http_status, error: a.error, durationMs: a.duration_ms })),
        nextAttemptAt: d.state === 'pending' ? d.next_attempt_at : null,
        deliveredAt: d.delivered_at,
      })),
  }));
}
