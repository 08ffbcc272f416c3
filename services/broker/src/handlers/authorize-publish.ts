import type { AedesOptions } from 'aedes';
import type { Logger } from 'pino';
import { isTelemetryTopic, publishRefusal } from '../acl.ts';
import type { BrokerMetrics } from '../metrics.ts';
import type { Principals } from '../principal.ts';

export type AuthorizePublishHandler = NonNullable<AedesOptions['authorizePublish']>;

export interface AuthorizePublishContext {
  principals: Principals;
  metrics: BrokerMetrics;
  log: Logger;
}

/**
 * Devices publish only to their own telemetry and status topics; services anywhere but $SYS.
 * A refused PUBLISH closes the connection: MQTT 3.1.1 has no way to tell the client, and
 * closing is one of the two reactions it allows [MQTT-3.3.5-2] (the other, a silent ack,
 * would hide a misconfigured device from itself). Retain flags on telemetry are cleared.
 */
export function createAuthorizePublish(ctx: AuthorizePublishContext): AuthorizePublishHandler {
  return (client, packet, done) => {
    const principal = ctx.principals.get(client);
    if (client && !principal) {
      // cannot happen after a successful CONNECT; refuse rather than guess
      ctx.metrics.aclRefusals.inc({ action: 'publish', reason: 'unauthenticated' });
      done(new Error('publish refused: connection is not authenticated'));
      return;
    }
    // client is null only for a will a crashed node left behind; its topic was checked at CONNECT
    const refusal = principal ? publishRefusal(principal, packet.topic) : packet.topic.startsWith('$SYS') ? 'sys_topic' : null;
    if (refusal) {
      ctx.metrics.aclRefusals.inc({ action: 'publish', reason: refusal });
      ctx.log.debug({ clientId: client?.id, topic: packet.topic, reason: refusal }, 'publish refused by acl');
      done(new Error(`publish to "${packet.topic}" refused: ${refusal}`));
      return;
    }
    if (packet.retain && isTelemetryTopic(packet.topic)) {
      packet.retain = false;
      ctx.metrics.retainDropped.inc();
      ctx.log.debug({ clientId: client?.id, topic: packet.topic }, 'retain flag cleared on a telemetry publish');
    }
    if (principal) ctx.metrics.publishes[principal.kind]++;
    done(null);
  };
}
