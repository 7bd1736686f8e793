import { defaultCatalog } from '../catalog/catalog.js';
import { buildApp } from '../app.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import type { Store } from '../db/store.js';
import type { Hasher } from '../passwords/hasher.js';
import { demoPasswordsInUse, seedDemo } from '../seed/demo.js';
import { CliError, hasherFor, loggerFor, openConfiguredStore, parseFlags, type Io } from './common.js';

export async function serve(args: string[], _io: Io): Promise<number> {
  const { values } = parseFlags(args, ['serve']);
  const config = loadConfig({
    port: values.port as string | undefined,
    host: values.host as string | undefined,
    db: values.db as string | undefined,
    allowHttp: values['allow-http'] as boolean | undefined,
    demo: values.demo as boolean | undefined,
    trustedProxies: values['trusted-proxy'] as string[] | undefined,
    logLevel: values['log-level'] as string | undefined,
    pgPoolSize: values['pg-pool'] as string | undefined,
    pgStatementTimeoutMs: values['pg-statement-timeout-ms'] as string | undefined,
    tlsCert: values['tls-cert'] as string | undefined,
    tlsKey: values['tls-key'] as string | undefined,
  });
  const logger = loggerFor(config);
  // Orders commit on a writer thread (src/db/writer-thread.ts); short CLI commands need none.
  const store = await openConfiguredStore(config, { writerThread: config.writerThread });
  const hasher = hasherFor(config);
  if (config.demo) {
    const created = await seedDemo(store, hasher, systemClock);
    if (created.length > 0) logger.info({ resellers: created }, 'demo data created');
  } else if (!config.allowHttp) {
    await refuseDemoPasswords(store, hasher);
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

/**
 * `serve` without --allow-http stops here, closing the store, while any demo API user still has
 * the published password: a database once served with --demo cannot go into production with
 * them (issue 13, finding 10.4).
 */
async function refuseDemoPasswords(store: Store, hasher: Hasher): Promise<void> {
  const logins = await demoPasswordsInUse(store, hasher);
  if (logins.length === 0) return;
  await store.close();
  throw new CliError(
    `demo API users still have the published password demo-password (${logins.join(', ')}), and this server is not in --allow-http development mode. ` +
      'Give each a new password (placeorder api-user password --login NAME --password …) or serve a database without demo data.',
  );
}
