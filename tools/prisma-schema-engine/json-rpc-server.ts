// Line-delimited JSON-RPC 2.0 over a pair of streams, as the Prisma CLI speaks it with
// its schema engine: one JSON object per line each way. Requests from the CLI are
// answered one at a time, in order. The engine can also call the CLI (the `print`
// request that `migrate diff` uses); the CLI's answers are matched by id even while a
// request of ours is in progress.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { toJsonRpcError, type JsonRpcErrorObject } from './engine-errors.ts';

type Id = number | string;

type Incoming = {
  jsonrpc?: string;
  id?: Id | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: JsonRpcErrorObject | { code: number; message: string };
};

/** Calls back into the CLI. */
export type RpcPeer = {
  request(method: string, params: unknown): Promise<unknown>;
};

export type RpcHandler = (method: string, params: unknown, peer: RpcPeer) => Promise<unknown>;

export class MethodNotFound extends Error {
  constructor(method: string) {
    super(`Method not found: ${method}`);
  }
}

export type JsonRpcServer = {
  /** Resolves once the input has ended and every request read has been answered. */
  finished: Promise<void>;
};

export function serveJsonRpc(options: {
  input: Readable;
  output: Writable;
  handle: RpcHandler;
}): JsonRpcServer {
  const { input, output, handle } = options;
  const send = (message: object) => output.write(`${JSON.stringify(message)}\n`);
  const pending = new Map<Id, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const peer: RpcPeer = {
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ jsonrpc: '2.0', id, method, params });
      });
    },
  };

  let queue: Promise<void> = Promise.resolve();
  const answer = async (id: Id | null | undefined, method: string, params: unknown) => {
    let reply: object;
    try {
      const result = await handle(method, params, peer);
      reply = { jsonrpc: '2.0', id, result: result ?? null };
    } catch (error) {
      reply = {
        jsonrpc: '2.0',
        id,
        error:
          error instanceof MethodNotFound ? { code: -32601, message: error.message } : toJsonRpcError(error),
      };
    }
    // A notification (no id) gets no reply.
    if (id !== undefined && id !== null) send(reply);
  };

  const lines = createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    let message: Incoming;
    try {
      message = JSON.parse(line) as Incoming;
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    if (typeof message.method === 'string') {
      const { id, method, params } = message;
      queue = queue.then(() => answer(id, method, params));
      return;
    }
    const waiting = message.id === undefined || message.id === null ? undefined : pending.get(message.id);
    if (!waiting || message.id === undefined || message.id === null) return;
    pending.delete(message.id);
    if (message.error) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result);
  });

  const finished = new Promise<void>((resolve) => {
    lines.on('close', () => {
      // Nobody is left to answer our own requests; fail them so the queue can drain.
      for (const waiting of pending.values()) waiting.reject(new Error('The client closed the connection.'));
      pending.clear();
      void queue.then(resolve);
    });
  });
  return { finished };
}
