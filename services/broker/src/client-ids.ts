import type { Client } from 'aedes';

/**
 * Which connection holds each client id on this broker (Aedes' own table is not part of its
 * typed API). Used to refuse a CONNECT that would take over another principal's session.
 */
export class ClientIds {
  private readonly holders = new Map<string, Client>();

  /** on Aedes 'client' (registered) */
  register(client: Client): void {
    this.holders.set(client.id, client);
  }

  /** on Aedes 'clientDisconnect' */
  unregister(client: Client): void {
    if (this.holders.get(client.id) === client) this.holders.delete(client.id);
  }

  holder(clientId: string): Client | undefined {
    return this.holders.get(clientId);
  }

  all(): Client[] {
    return [...this.holders.values()];
  }
}
