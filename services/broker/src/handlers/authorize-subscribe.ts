import type { AedesOptions } from 'aedes';
import type { Logger } from 'pino';
import { subscribeRefusal } from '../acl.ts';
import type { BrokerMetrics } from '../metrics.ts';
import type { Principals } from '../principal.ts';

export type AuthorizeSubscribeHandler = NonNullable<AedesOptions['authorizeSubscribe']>;

export interface AuthorizeSubscribeContext {
  principals: Principals;
  metrics: BrokerMetrics;
  log: Logger;
}

/**
 * Devices subscribe only inside their own prefix; services anywhere. A refused filter is
 * negated (SUBACK 0x80 for that filter) and the connection stays up, as MQTT 3.1.1 intends.
 */
export function createAuthorizeSubscribe(ctx: AuthorizeSubscribeContext): AuthorizeSubscribeHandler {
  return (client, subscription, done) => {
    const principal = ctx.principals.get(client);
    const refusal = principal ? subscribeRefusal(principal, subscription.topic) : 'unauthenticated';
    if (refusal) {
      ctx.metrics.aclRefusals.inc({ action: 'subscribe', reason: refusal });
      ctx.log.debug({ clientId: client.id, filter: subscription.topic, reason: refusal }, 'subscription refused by acl');
      done(null, null);
      return;
    }
    done(null, subscription);
  };
}
