import path from 'node:path';
import type { NextConfig } from 'next';
import { ACTION_BODY_LIMIT_MB } from './lib/platform/form-input';
import {
  API_SOURCE,
  apiHeaders,
  CACHED_PAGE_SOURCES,
  CATALOG_HOME_PATH,
  cachedPageHeaders,
  STATIC_SECURITY_HEADERS,
} from './lib/platform/security-headers';

const nextConfig: NextConfig = {
  // Lets several builds live side by side (parallel test stacks, benchmarks); `.next` otherwise.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  // The Prisma client and pg are server-only Node libraries; keep them out of the bundler.
  serverExternalPackages: ['@prisma/client', '@prisma/adapter-pg', 'pg'],
  // Next's in-memory cache, with tag revalidations shared by every instance through PostgreSQL.
  cacheHandler: path.join(process.cwd(), 'lib/platform/shared-tag-cache.mjs'),
  experimental: {
    serverActions: { bodySizeLimit: `${ACTION_BODY_LIMIT_MB}mb` },
    // Keep the data cache (catalog reads) and the cached catalog pages in memory: a restart or a new
    // database must never be served catalog rows or pages cached on disk by an older run.
    isrFlushToDisk: false,
  },
  typedRoutes: false,
  // Types are checked once, by `tsc --noEmit` (first in `npm test`, and in `npm run build`),
  // not again inside every `next build` the test stacks and benchmarks make.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    const production = process.env.NODE_ENV === 'production';
    return [
      // On every response, static files included; the CSP (per-request nonce) and HSTS (runtime APP_URL) come from proxy.ts,
      { source: '/:path*', headers: [...STATIC_SECURITY_HEADERS] },
      // except on the cached catalog pages, which proxy.ts leaves alone: their fixed policy (lib/platform/security-headers.ts).
      ...CACHED_PAGE_SOURCES.map((source) => ({
        source,
        headers: cachedPageHeaders({ production }),
      })),
      // and on the route handlers under /api, which proxy.ts leaves alone too: nothing there depends on the request.
      { source: API_SOURCE, headers: apiHeaders({ production }) },
    ];
  },
  async rewrites() {
    return {
      // The catalog is cached like the product pages, rendered on its first request and kept until the catalog
      // changes. A page without params would be prerendered by `next build`, which must not read the database (one
      // build serves several databases; image builds have none), so `/` is served by a param route whose
      // generateStaticParams names nothing. A beforeFiles rewrite runs after headers() and proxy.ts, which both
      // still see `/`.
      beforeFiles: [{ source: '/', destination: CATALOG_HOME_PATH }],
      afterFiles: [],
      fallback: [],
    };
  },
};

export default nextConfig;
