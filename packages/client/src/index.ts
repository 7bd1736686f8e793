// @placeorder/client: a typed client for the !PlaceOrder API for Web products.
export { PlaceOrderClient, errorFor, parseAnswer, placeOrderParams, type CallOptions, type ClientOptions } from './client.js';
export { NetworkError, PlaceOrderError, ProtocolError } from './error-base.js';
export * from './codes.generated.js';
export type * from './types.js';
export { WebhookSignatureError, verifyWebhook, type VerifyOptions, type WebhookEvent } from './webhooks.js';
