// GET /openapi.json: the generated OpenAPI document, built once at start-up.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { openApiDocument } from './generate.js';

export function openApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  const text = JSON.stringify(openApiDocument(ctx.catalog));
  app.get('/openapi.json', (_req, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('application/json; charset=utf-8').send(text),
  );
}
