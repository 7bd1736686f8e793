// `placeorder api-user password|unlock`, in-process, on each dialect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '@node-rs/argon2';
import { openStore } from '../../src/db/store.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { cli } from './capture.js';

describe.each(DIALECTS)('placeorder api-user (%s)', (dialect) => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
    expect((await cli(['reseller', 'add', '--ap', 'userbrand', '--login', 'user-api', '--password', 'first-password', '--db', db.location])).code).toBe(0);
  });
  afterAll(() => db.drop());

  async function user() {
    const store = await openStore(db.location);
    try {
      return await store.db.selectFrom('api_users').selectAll().where('login_name', '=', 'user-api').executeTakeFirstOrThrow();
    } finally {
      await store.close();
    }
  }

  async function throttle() {
    const store = await openStore(db.location);
    try {
      return await store.db.selectFrom('login_throttle').selectAll().where('login_name', '=', 'user-api').execute();
    } finally {
      await store.close();
    }
  }

  it('unlock lifts a lockout; password sets a new hash, restarts its lifetime and ends any lock', async () => {
    const store = await openStore(db.location);
    try {
      await store.write((tx) =>
        tx
          .insertInto('login_throttle')
          .values({ realm: 'api-user', login_name: 'user-api', failures: 3, locked_until: '2999-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' })
          .execute(),
      );
    } finally {
      await store.close();
    }
    expect(await cli(['api-user', 'unlock', '--login', 'user-api', '--db', db.location])).toEqual({ code: 0, out: 'API user "user-api" is unlocked\n', err: '' });
    expect(await throttle()).toEqual([]);

    const before = await user();
    const res = await cli(['api-user', 'password', '--login', 'user-api', '--password', 'second-password', '--db', db.location]);
    expect(res).toEqual({ code: 0, out: 'API user "user-api" has a new password\n', err: '' });
    const after = await user();
    expect(await verify(after.password_hash, 'second-password')).toBe(true);
    expect(await verify(after.password_hash, 'first-password')).toBe(false);
    expect(after.password_changed_at >= before.password_changed_at).toBe(true);
  });

  it('refuses unknown users, short passwords and unknown subcommands with exit code 2', async () => {
    expect((await cli(['api-user', 'unlock', '--login', 'nobody', '--db', db.location])).err).toMatch(/there is no API user "nobody"/);
    expect((await cli(['api-user', 'password', '--login', 'user-api', '--password', 'short', '--db', db.location])).code).toBe(2);
    expect((await cli(['api-user', 'delete', '--login', 'user-api', '--db', db.location])).err).toMatch(/unknown api-user command/);
  });
});
