// The emulator's HTTP server: /v1 (Stripe API), /_emulator (test controls), hosted pages; timers; persistence.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorOptions } from './config.ts';
import { resolveConfig } from './config.ts';
import type { Emulator } from './context.ts';
import { handleApi } from './api.ts';
import { settleDueRefunds } from './amazon-pay.ts';
import { CONTROL_PREFIX, ensureConfiguredEndpoints, handleControl } from './controls.ts';
import { emptyFaults } from './faults.ts';
import { handleHosted } from './hosted/routes.ts';
import { pruneIdempotency } from './idempotency.ts';
import { expireDueSessions } from './payments.ts';
import { runDueTasks } from './billing/renewals.ts';
import { nowSeconds } from './context.ts';
import { createSaver, loadState } from './persistence.ts';
import { emptyState } from './store.ts';
import { createWebhookQueue } from './webhooks.ts';

export type { EmulatorOptions } from './config.ts';

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
  /** The live emulator (tests in this package may inspect it; apps use the control API). */
  emulator: Emulator;
}

const MAX_BODY_BYTES = 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const config = resolveConfig(options);
  const initial = (config.stateFile && loadState(config.stateFile)) || emptyState();
  let saverRef: { schedule(): void } = { schedule() {} };
  const emu: Emulator = {
    config,
    state: initial,
    publicUrl: config.publicUrl ?? '',
    faults: emptyFaults(),
    changed: () => saverRef.schedule(),
    webhooks: createWebhookQueue({
      state: () => emu.state,
      retryMs: () => emu.config.webhookRetryMs,
      timeoutMs: config.webhookTimeoutMs,
      changed: () => saverRef.schedule(),
    }),
  };
  const saver = createSaver(config.stateFile, config.persistDebounceMs, () => emu.state);
  saverRef = saver;

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://emulator.local');
      try {
        const raw = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
        if (config.logRequests) console.log(`[emulator] ${req.method ?? ''} ${url.pathname}`);
        if (url.pathname.startsWith('/v1/') || url.pathname === '/v1')
          await handleApi(emu, req, res, url, raw);
        else if (url.pathname.startsWith(CONTROL_PREFIX)) await handleControl(emu, req, res, url, raw);
        else handleHosted(emu, req, res, url, raw);
      } catch (error) {
        console.error('[emulator] request failed', error);
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end('Internal emulator error');
        } else res.destroy();
      }
    })();
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  emu.publicUrl = (config.publicUrl ?? url).replace(/\/$/, '');

  ensureConfiguredEndpoints(emu);
  // Deliveries that were pending when a persisted emulator stopped are sent again.
  for (const [eventId, endpoints] of Object.entries(emu.state.pendingEndpoints)) {
    if (endpoints.length > 0 && !emu.state.failedEvents[eventId]) emu.webhooks.enqueue(eventId, endpoints);
  }

  const sweep = setInterval(() => {
    expireDueSessions(emu);
    settleDueRefunds(emu);
    // Billing on the real time (a test clock's work runs when it advances).
    runDueTasks(emu, null, nowSeconds());
    pruneIdempotency(emu.state);
  }, config.sweepIntervalMs);
  sweep.unref();

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    emulator: emu,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        await emu.webhooks.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        saver.flush();
      })();
      return closing;
    },
  };
}
