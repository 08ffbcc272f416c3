import type { Client } from 'aedes';

/**
 * The remote address of a connection: the TCP socket's, or for WebSocket the HTTP request's
 * socket. Proxy headers are not trusted (a client could forge them to dodge the login limiter).
 */
export function clientAddress(client: Client): string {
  const fromRequest = client.req?.socket?.remoteAddress;
  const fromSocket = (client.conn as { remoteAddress?: string }).remoteAddress;
  const address = fromRequest ?? fromSocket ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
