import { defaultCatalog } from '../catalog/catalog.js';
import { buildApp } from '../app.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { hasherFor, loggerFor, openConfiguredStore, type Invocation, type Io } from './common.js';
import { seedDemo } from './demo.js';

export async function serve(inv: Invocation, _io: Io): Promise<number> {
  const config = loadConfig({
    port: inv.string('port'),
    host: inv.string('host'),
    db: inv.string('db'),
    allowHttp: inv.bool('allow-http') || undefined,
    demo: inv.bool('demo') || undefined,
    trustedProxies: inv.list('trusted-proxy'),
    logLevel: inv.string('log-level'),
    pgPoolSize: inv.string('pg-pool'),
    pgStatementTimeoutMs: inv.string('pg-statement-timeout-ms'),
    tlsCert: inv.string('tls-cert'),
    tlsKey: inv.string('tls-key'),
  });
  const logger = loggerFor(config);
  // Orders commit on a writer thread (src/db/writer-thread.ts); short CLI commands need none.
  const store = await openConfiguredStore(config, { writerThread: config.writerThread });
  const hasher = hasherFor(config);
  if (config.demo) {
    const created = await seedDemo(store, hasher, systemClock);
    if (created.length > 0) logger.info({ resellers: created }, 'demo data created');
  }
  const app = await buildApp({ store, catalog: defaultCatalog(), clock: systemClock, hasher, config, logger });
  if (store.dialect === 'postgres' && config.webSecret === '') {
    // Ordering forms and console sessions are signed; processes behind one load balancer must
    // share the key, or a form served by one process comes back as -97 to another.
    logger.warn('PLACEORDER_WEB_SECRET is not set: this process signs web forms with a key of its own. Set one shared secret when several processes serve one PostgreSQL database.');
  }
  if (config.allowHttp) {
    logger.warn('--allow-http: plain HTTP requests are accepted. Use this for local development only.');
  }
  const address = await app.listen({ port: config.port, host: config.host });
  // The effective pool settings go in the start line: they are what an operator sizes
  // max_connections by (docs/operations.md).
  const pgSettings =
    store.dialect === 'postgres'
      ? { pgPoolSize: config.pgPoolSize, pgStatementTimeoutMs: config.pgStatementTimeoutMs }
      : { writerThread: store.writerThread };
  logger.info({ url: address, db: store.dialect, ...pgSettings }, `placeorder listening on ${address}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  logger.info('shutting down: finishing requests in flight');
  await app.close();
  await store.close();
  return 0;
}
