import { isValidId, verifySecret } from '@mueang/core';
import type { AedesOptions, Client } from 'aedes';
import type { Logger } from 'pino';
import { publishRefusal } from '../acl.ts';
import { clientAddress } from '../client-address.ts';
import type { ClientIds } from '../client-ids.ts';
import type { DeviceCache } from '../device-cache.ts';
import type { LoginLimiter } from '../login-limiter.ts';
import type { AuthFailureReason, BrokerMetrics } from '../metrics.ts';
import { devicePrincipal, principalKey, type Principal, type Principals } from '../principal.ts';
import type { ServiceAccounts } from '../service-accounts.ts';
import { VerifiedSecrets } from '../verified-secrets.ts';
import type { PendingWills } from './pre-connect.ts';

export type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
type AuthenticateError = NonNullable<Parameters<Parameters<AuthenticateHandler>[3]>[0]>;

/** CONNACK return codes of MQTT 3.1.1, table 3.1 */
export const CONNACK = {
  IDENTIFIER_REJECTED: 2,
  SERVER_UNAVAILABLE: 3,
  BAD_USERNAME_OR_PASSWORD: 4,
  NOT_AUTHORIZED: 5,
} as const;
type ConnackCode = (typeof CONNACK)[keyof typeof CONNACK];

export interface AuthenticateContext {
  principals: Principals;
  serviceAccounts: ServiceAccounts;
  devices: DeviceCache;
  verifiedSecrets: VerifiedSecrets;
  limiter: LoginLimiter;
  wills: PendingWills;
  clientIds: ClientIds;
  /** the existing connection `old` is about to be replaced by a new one of the same principal */
  onSessionTakeover(old: Client): void;
  metrics: BrokerMetrics;
  log: Logger;
}

type Outcome =
  | { ok: true; principal: Principal }
  | { ok: false; reason: AuthFailureReason; code: ConnackCode; countsAsFailure: boolean; username?: string };

/** reasons caused by wrong credentials: these feed the per-address login limiter */
const credentialFailure = (reason: AuthFailureReason, code: ConnackCode, username?: string): Outcome => ({
  ok: false,
  reason,
  code,
  countsAsFailure: true,
  ...(username === undefined ? {} : { username }),
});

/**
 * MQTT username = device id, password = device secret (scrypt-verified against the registry,
 * successes cached), or a service account. Never logs a secret or password.
 */
export function createAuthenticate(ctx: AuthenticateContext): AuthenticateHandler {
  return (client, username, password, done) => {
    const address = clientAddress(client);
    decide(ctx, client, address, username, password).then(
      (outcome) => {
        if (outcome.ok) {
          ctx.principals.set(client, outcome.principal);
          ctx.metrics.logins.inc({ principal: outcome.principal.kind });
          ctx.log.debug({ clientId: client.id, principal: principalKey(outcome.principal), address }, 'mqtt login accepted');
          done(null, true);
          return;
        }
        refuse(ctx, client, address, outcome);
        done(authError(outcome.code, outcome.reason), false);
      },
      (err: unknown) => {
        ctx.log.error({ err, clientId: client.id, address }, 'mqtt login failed with an internal error');
        ctx.metrics.authFailures.inc({ reason: 'internal_error' });
        done(authError(CONNACK.SERVER_UNAVAILABLE, 'internal_error'), false);
      },
    );
  };
}

async function decide(
  ctx: AuthenticateContext,
  client: Client,
  address: string,
  username: string | undefined,
  password: Buffer | undefined,
): Promise<Outcome> {
  const secret = password?.toString('utf8');
  if (ctx.limiter.blockedFor(address) > 0) {
    // no scrypt while blocked; only a device that recently proved these exact credentials passes
    const principal = username && secret ? recentlyVerifiedDevice(ctx, username, secret) : null;
    if (!principal) return { ok: false, reason: 'rate_limited', code: CONNACK.NOT_AUTHORIZED, countsAsFailure: false, ...(username ? { username } : {}) };
    return checkSession(ctx, client, principal);
  }
  if (!username || !secret) return credentialFailure('missing_credentials', CONNACK.BAD_USERNAME_OR_PASSWORD, username);

  if (ctx.serviceAccounts.has(username)) {
    if (!ctx.serviceAccounts.verify(username, secret)) return credentialFailure('bad_service_password', CONNACK.BAD_USERNAME_OR_PASSWORD, username);
    return checkSession(ctx, client, { kind: 'service', username });
  }

  if (!isValidId(username)) return credentialFailure('unknown_device', CONNACK.BAD_USERNAME_OR_PASSWORD, username);
  let device;
  try {
    device = await ctx.devices.get(username);
  } catch (err) {
    ctx.log.error({ err, deviceId: username }, 'device registry lookup failed during mqtt login');
    return { ok: false, reason: 'registry_unavailable', code: CONNACK.SERVER_UNAVAILABLE, countsAsFailure: false, username };
  }
  if (!device) return credentialFailure('unknown_device', CONNACK.BAD_USERNAME_OR_PASSWORD, username);
  if (device.status !== 'active') return credentialFailure('device_revoked', CONNACK.NOT_AUTHORIZED, username);
  if (!device.secretHash) return credentialFailure('no_secret', CONNACK.BAD_USERNAME_OR_PASSWORD, username);

  const storedHash = device.secretHash;
  const key = VerifiedSecrets.key(device.id, secret, storedHash);
  const check = await ctx.verifiedSecrets.check(key, device.id, () => verifySecret(secret, storedHash));
  ctx.metrics.secretChecks.inc({ result: check.fromCache ? 'cache' : check.ok ? 'verified' : 'rejected' });
  if (!check.ok) return credentialFailure('bad_secret', CONNACK.BAD_USERNAME_OR_PASSWORD, username);
  return checkSession(ctx, client, devicePrincipal(device));
}

function recentlyVerifiedDevice(ctx: AuthenticateContext, username: string, secret: string): Principal | null {
  const device = ctx.devices.peek(username);
  if (!device || device.status !== 'active' || !device.secretHash) return null;
  return ctx.verifiedSecrets.has(VerifiedSecrets.key(device.id, secret, device.secretHash)) ? devicePrincipal(device) : null;
}

/** credentials are right; now the will topic and the client id must fit the principal */
function checkSession(ctx: AuthenticateContext, client: Client, principal: Principal): Outcome {
  const username = principal.kind === 'device' ? principal.deviceId : principal.username;
  const willTopic = ctx.wills.topic(client);
  if (willTopic !== undefined && publishRefusal(principal, willTopic)) {
    return { ok: false, reason: 'will_not_allowed', code: CONNACK.NOT_AUTHORIZED, countsAsFailure: false, username };
  }
  const holder = ctx.clientIds.holder(client.id);
  if (holder && holder !== client) {
    const holderPrincipal = ctx.principals.get(holder);
    // [MQTT-3.1.4-2] lets a new connection take over a client id; only its owner may do that
    if (!holderPrincipal || principalKey(holderPrincipal) !== principalKey(principal)) {
      return { ok: false, reason: 'client_id_in_use', code: CONNACK.IDENTIFIER_REJECTED, countsAsFailure: false, username };
    }
    ctx.onSessionTakeover(holder);
  }
  return { ok: true, principal };
}

function refuse(ctx: AuthenticateContext, client: Client, address: string, outcome: Extract<Outcome, { ok: false }>): void {
  ctx.metrics.authFailures.inc({ reason: outcome.reason });
  const fields = { clientId: client.id, username: outcome.username, address, reason: outcome.reason, connackCode: outcome.code };
  if (outcome.reason === 'rate_limited') ctx.log.debug(fields, 'mqtt login refused: address is blocked after repeated failures');
  else ctx.log.info(fields, 'mqtt login refused');
  if (outcome.countsAsFailure && ctx.limiter.recordFailure(address)) {
    ctx.log.warn(
      { address, failures: ctx.limiter.maxFailures, windowMs: ctx.limiter.windowMs, blockMs: ctx.limiter.blockMs },
      'address blocked after repeated failed mqtt logins',
    );
  }
}

function authError(code: ConnackCode, reason: string): AuthenticateError {
  return Object.assign(new Error(`mqtt login refused: ${reason}`), { returnCode: code }) as unknown as AuthenticateError;
}
