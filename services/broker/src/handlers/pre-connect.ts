import type { AedesOptions, Client } from 'aedes';

export type PreConnectHandler = NonNullable<AedesOptions['preConnect']>;

/** The last will a CONNECT carries, kept until authenticate can check it against the ACL. */
export class PendingWills {
  private readonly wills = new WeakMap<Client, string>();

  record(client: Client, willTopic: string | undefined): void {
    if (willTopic === undefined) this.wills.delete(client);
    else this.wills.set(client, willTopic);
  }

  topic(client: Client): string | undefined {
    return this.wills.get(client);
  }
}

/**
 * The broker-side client id of a device connection: `{deviceId}/{clientId}`. Client ids name
 * sessions, and any CONNECT with a session's id takes it over (clean=true even wipes it), so a
 * device must not be able to pick the id of a service's persistent session (ingest's queue) or
 * of another device. Device ids cannot contain '/', so the namespaces cannot overlap. The
 * device does not see the change (MQTT 3.1.1 never echoes the id). An empty id (clean session)
 * is left to Aedes, which generates a random one.
 */
export function deviceClientId(username: string, clientId: string): string {
  return clientId === '' ? clientId : `${username}/${clientId}`;
}

/**
 * Aedes stores a will before it is ever published and may publish it from another node after
 * a crash (with no client to check against), so the will topic is recorded here and checked
 * at authentication.
 */
export function createPreConnect(wills: PendingWills, isServiceAccount: (username: string) => boolean): PreConnectHandler {
  return (client, packet, done) => {
    wills.record(client, packet.will?.topic);
    if (packet.username && !isServiceAccount(packet.username)) packet.clientId = deviceClientId(packet.username, packet.clientId);
    done(null, true);
  };
}
