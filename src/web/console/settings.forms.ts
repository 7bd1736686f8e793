// The forms of the settings page (./settings.page.ts): add or remove a redirect origin, save the
// API user's IP allowlist, change the password. Each redirects back with a notice, or shows the
// page again with the field at fault.
import { present } from '../../assert.js';
import { isIP } from 'node:net';
import { isoNow } from '../../clock.js';
import { addressInList, clientAddressOf } from '../../wire/client-address.js';
import { apiUserSettings, setApiUserPassword, setIpAllow } from '../../reseller-api/api-users.repository.js';
import { redirectOriginsOf, removeRedirectOrigin } from '../../resellers/reseller-settings.repository.js';
import { insertRedirectOrigins } from '../../resellers/resellers.repository.js';
import { ResellerInputError, normalizeOrigin } from '../../resellers/resellers.service.js';
import { Form, redirect } from '../request.js';
import { deleteSessionsOfApiUser } from '../../sessions/sessions.repository.js';
import type { ConsolePage } from './router.js';
import { showSettings } from './settings.page.js';

const MAX_ORIGINS = 20;
const MAX_IP_ENTRIES = 50;
/** An origin's longest spelling, and the allowlist's (50 entries of an IPv6 CIDR block with separators). */
const MAX_ORIGIN_CHARS = 255;
const MAX_IP_LIST_CHARS = 4000;

export const settingsForms: ConsolePage = (r) => {
  const { ctx } = r;

  r.post('/console/settings/origins/add', async (req, reply, s) => {
    const form = new Form(req.body);
    const { value: text, overLong } = form.stored('origin', MAX_ORIGIN_CHARS);
    let origin: string;
    try {
      // Never a cut value: an origin longer than the field is refused, not registered shorter.
      if (form.hasNul('origin') || overLong) throw new ResellerInputError('too long');
      origin = normalizeOrigin(text);
    } catch (error) {
      if (!(error instanceof ResellerInputError)) throw error;
      return showSettings(r, req, reply, s, { errors: { origin: 'Enter an origin: scheme and host only, like https://shop.example' }, values: { origin: text } });
    }
    const existing = await redirectOriginsOf(ctx.store.db, s.resellerId);
    if (!existing.includes(origin) && existing.length >= MAX_ORIGINS) {
      return showSettings(r, req, reply, s, { errors: { origin: `At most ${MAX_ORIGINS} origins; remove one first.` }, values: { origin: text } });
    }
    await ctx.store.write((tx) => insertRedirectOrigins(tx, s.resellerId, [origin]));
    return redirect(reply, '/console/settings?done=origin-added');
  });

  r.post('/console/settings/origins/remove', async (req, reply, s) => {
    const origin = new Form(req.body).text('origin');
    await ctx.store.write((tx) => removeRedirectOrigin(tx, s.resellerId, origin));
    return redirect(reply, '/console/settings?done=origin-removed');
  });

  r.post('/console/settings/ip-allow', async (req, reply, s) => {
    const { value: text, overLong } = new Form(req.body).stored('ipAllow', MAX_IP_LIST_CHARS);
    const entries = text.split(/[\s,]+/).filter((e) => e !== '');
    const bad = entries.find((e) => !validCidr(e));
    let error: string | undefined;
    // Never a cut list: the entries past the cut would be dropped without a word.
    if (entries.length > MAX_IP_ENTRIES || overLong) error = `At most ${MAX_IP_ENTRIES} entries.`;
    else if (bad !== undefined) error = `"${bad.slice(0, 60)}" is not an IP address or CIDR block.`;
    const here = clientAddressOf(req.raw, ctx.config.trustedProxies);
    if (!error && entries.length > 0 && !addressInList(entries, here)) error = `The list must include the address you are connected from (${here}), or you would lock yourself out.`;
    if (error) return showSettings(r, req, reply, s, { errors: { ipAllow: error }, values: { ipAllow: text } });
    await ctx.store.write((tx) => setIpAllow(tx, s.apiUserId, entries));
    return redirect(reply, '/console/settings?done=ip-saved');
  });

  r.post('/console/settings/password', async (req, reply, s) => {
    const form = new Form(req.body);
    const current = form.get('currentPassword') ?? '';
    const next = form.get('newPassword') ?? '';
    const again = form.get('confirmPassword') ?? '';
    const user = present(await apiUserSettings(ctx.store.db, s.apiUserId), `the signed-in API user ${s.apiUserId} exists`);
    const errors: Record<string, string | undefined> = {};
    // The same door as signing in: failures count towards the lock (issue 13, finding 10).
    const source = clientAddressOf(req.raw, ctx.config.trustedProxies);
    const login = await ctx.passwords.find('api-user', user.loginName, async () => ({ id: user.id, passwordHash: user.passwordHash }));
    const attempt = { realm: 'api-user' as const, loginName: user.loginName, password: current, source };
    // A NUL is refused as the API refuses it (-4 there): a password holding one would open the
    // console (which reads it as U+FFFD) but never the API.
    const proven = current !== '' && !form.hasNul('currentPassword') && [...current].length <= 128 && (await ctx.passwords.prove(attempt, login));
    if (!proven) errors.currentPassword = 'This is not your current password.';
    else if (form.hasNul('newPassword') || form.hasNul('confirmPassword')) errors.newPassword = 'The new password cannot hold a NUL character.';
    else if ([...next].length < 8 || [...next].length > 128) errors.newPassword = 'The new password must be 8 to 128 characters.';
    else if (next === current) errors.newPassword = 'The new password must differ from the current one.';
    else if (next !== again) errors.confirmPassword = 'The two new passwords differ.';
    if (Object.keys(errors).length > 0) return showSettings(r, req, reply, s, { errors });
    const hash = await ctx.hasher.hash(next);
    await ctx.store.write(async (tx) => {
      await setApiUserPassword(tx, user.loginName, hash, isoNow(ctx.clock));
      // Other browsers signed in as this user must sign in again with the new password.
      await deleteSessionsOfApiUser(tx, s.apiUserId, s.session.tokenHash);
    });
    return redirect(reply, '/console/settings?done=password');
  });
};

function validCidr(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(addr ?? '');
  if (family === 0) return false;
  return bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}
