import type { Aedes } from 'aedes';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { ListenError, PortInUseError } from './errors.ts';

export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

type ListenerName = 'MQTT' | 'MQTT over WebSocket' | 'MQTT over TLS';

function listen(server: net.Server, name: ListenerName, port: number, host: string, envVar: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.removeListener('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(name, port, envVar) : new ListenError(name, port, envVar, err.code, err));
    };
    const onListening = () => {
      server.removeListener('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** MQTT over TCP. */
export async function listenTcp(aedes: Aedes, port: number, host: string, log: Logger): Promise<Listener> {
  const server = net.createServer((socket) => aedes.handle(socket));
  const boundPort = await listen(server, 'MQTT', port, host, 'MQTT_PORT');
  server.on('error', (err) => log.error({ err }, 'mqtt tcp listener error'));
  return { port: boundPort, close: () => closeServer(server) };
}

export interface TlsFiles {
  /** PEM private key and certificate (chain); see docs/operations.md for making them */
  key: string | Buffer;
  cert: string | Buffer;
}

/** MQTT over TLS (mqtts://, conventionally port 8883). Devices verify the certificate; their credentials stay as for TCP. */
export async function listenTls(aedes: Aedes, port: number, host: string, files: TlsFiles, log: Logger): Promise<Listener> {
  const server = tls.createServer({ key: files.key, cert: files.cert, minVersion: 'TLSv1.2' }, (socket) => aedes.handle(socket));
  server.on('tlsClientError', (err) => log.debug({ err: err.message }, 'mqtt tls handshake failed'));
  const boundPort = await listen(server, 'MQTT over TLS', port, host, 'MQTT_TLS_PORT');
  server.on('error', (err) => log.error({ err }, 'mqtt tls listener error'));
  return { port: boundPort, close: () => closeServer(server) };
}

/**
 * MQTT over WebSocket (any path; clients conventionally use /mqtt) on a plain HTTP server.
 * Plain HTTP requests get 426 with a hint instead of hanging.
 */
export async function listenWebSocket(aedes: Aedes, port: number, host: string, log: Logger): Promise<Listener> {
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
    res.end('This port speaks MQTT over WebSocket: connect an MQTT client to ws://<host>:<port>/mqtt\n');
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (socket, req) => {
    const stream = createWebSocketStream(socket);
    stream.on('error', (err) => log.debug({ err }, 'mqtt websocket stream error'));
    aedes.handle(stream, req);
  });
  let bound = false;
  // ws re-emits the HTTP server's errors; a failed bind is reported by listen() instead
  wss.on('error', (err) => {
    if (bound) log.error({ err }, 'mqtt websocket server error');
  });
  const boundPort = await listen(server, 'MQTT over WebSocket', port, host, 'MQTT_WS_PORT');
  bound = true;
  return {
    port: boundPort,
    close: async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await closeServer(server);
    },
  };
}
