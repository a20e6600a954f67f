// `npm run emulator`: starts the emulator from environment variables; SIGINT/SIGTERM close it and flush state.
import { optionsFromEnv } from './config.ts';
import { startEmulator } from './server.ts';

const running = await startEmulator(optionsFromEnv(process.env));
const { config } = running.emulator;
console.log(`Stripe emulator listening on ${running.url} (hosted pages at ${running.emulator.publicUrl})`);
console.log(
  `  secret key ${config.secretKey}; webhooks → ${config.webhookUrls.join(', ') || 'none configured'}`,
);
if (config.stateFile) console.log(`  state persisted in ${config.stateFile}`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`Stripe emulator: ${signal}, closing`);
  running.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
