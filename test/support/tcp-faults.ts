// A TCP relay to a local port that can break the next connections on purpose: for tests of what
// the app does when a server it talks to (SMTP) drops the line.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type FaultyRelay = {
  port: number;
  /** Closes the open connections, and the next `count` as soon as they open, before the server says a word. */
  dropNext(count: number): void;
  /** Connections opened so far, dropped or relayed. */
  connections(): number;
  close(): Promise<void>;
};

export async function startFaultyRelay(targetPort: number): Promise<FaultyRelay> {
  let toDrop = 0;
  let opened = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    opened += 1;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (toDrop > 0) {
      toDrop -= 1;
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    dropNext: (count) => {
      toDrop = count;
      for (const socket of sockets) socket.destroy();
    },
    connections: () => opened,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
