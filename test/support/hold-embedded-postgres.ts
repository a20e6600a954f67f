// A stand-in for `npm run dev`'s database half, for tests of its lifecycle:
// starts the embedded PostgreSQL on the given directory and port, prints READY,
// and stops it on SIGINT/SIGTERM the way scripts/dev.ts does.
import { startEmbeddedPostgres } from '../../stack/postgres.ts';

const [dataDir, port] = process.argv.slice(2);
const server = await startEmbeddedPostgres({
  dataDir: dataDir!,
  port: Number(port),
  database: 'storefront',
  persistent: true,
  durability: 'throwaway',
});
const shutdown = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
console.log(`READY ${server.url}`);
setInterval(() => undefined, 1 << 30);
