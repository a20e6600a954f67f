// Prisma CLI configuration (Prisma 7 reads the datasource URL from here, not from schema.prisma).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { EMBEDDED_DEV_DATABASE_URL } from './stack/development-database.ts';
import { setOfflineSchemaEngineIfNeeded } from './tools/prisma-schema-engine/fallback-switch.ts';

// Prisma's native schema engine cannot be downloaded on our offline machines; where it
// is missing, the CLI runs the Wasm build of the same engine instead. Must happen here:
// the CLI loads this file before it looks for (and tries to download) the engine.
setOfflineSchemaEngineIfNeeded(dirname(fileURLToPath(import.meta.url)));

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  datasource: {
    // Without DATABASE_URL: the embedded PostgreSQL that `npm run dev` starts. Nothing
    // connects while loading this file, so `prisma generate` needs no database.
    url: process.env.DATABASE_URL ?? EMBEDDED_DEV_DATABASE_URL,
  },
});
