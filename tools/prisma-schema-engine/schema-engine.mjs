#!/usr/bin/env node
// The executable PRISMA_SCHEMA_ENGINE_BINARY points to when Prisma's native schema
// engine is missing (see fallback-switch.ts). The CLI runs it directly, so it must be
// plain JavaScript: it registers tsx (Node 20 cannot run TypeScript) and starts main.ts.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
