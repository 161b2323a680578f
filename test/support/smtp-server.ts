// Real SMTP servers on loopback for the probe (smtp-server, with its built-in self-signed certificate for
// STARTTLS), plus a TCP server that accepts and never speaks, and a port where nothing listens.
import * as net from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RunningServer {
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

async function listenOnLoopback(server: net.Server | SMTPServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = (server instanceof SMTPServer ? server.server : server).address() as net.AddressInfo;
  return address.port;
}

/**
 * `accepting`: greets with 220 and offers STARTTLS. `plain`: the same without STARTTLS. `rejecting`: refuses every
 * client in onConnect, which smtp-server answers with a 554 greeting and a close.
 */
export async function startSmtpServer(kind: 'accepting' | 'plain' | 'rejecting', name = 'mx.probe.test'): Promise<RunningServer> {
  let connections = 0;
  const server = new SMTPServer({
    name,
    banner: 'test server',
    authOptional: true,
    logger: false,
    hideSTARTTLS: kind === 'plain',
    onConnect(_session, callback) {
      connections += 1;
      if (kind === 'rejecting') return callback(Object.assign(new Error('No SMTP service here'), { responseCode: 554 }));
      callback();
    },
  });
  const port = await listenOnLoopback(server);
  return { port, connections: () => connections, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Accepts connections and never sends a byte: a probe must give up on its own. */
export async function startSilentTcpServer(): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port with nothing listening on it (bound, read, then released). */
export async function closedLoopbackPort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
