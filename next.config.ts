import type { NextConfig } from 'next';
import { STATIC_SECURITY_HEADERS } from './lib/security-headers';

const nextConfig: NextConfig = {
  // Lets several builds live side by side (parallel test stacks, benchmarks); `.next` otherwise.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  // The Prisma client and pg are server-only Node libraries; keep them out of the bundler.
  serverExternalPackages: ['@prisma/client', '@prisma/adapter-pg', 'pg'],
  experimental: {
    // Keep the data cache (catalog reads) in memory: a restart or a new
    // database must never be served catalog rows cached on disk by an older run.
    isrFlushToDisk: false,
  },
  typedRoutes: false,
  // Types are checked once, by `tsc --noEmit` (first in `npm test`, and in `npm run build`),
  // not again inside every `next build` the test stacks and benchmarks make.
  typescript: { ignoreBuildErrors: true },
  // On every response, static files included; the CSP (per-request nonce) and HSTS (runtime APP_URL) come from proxy.ts.
  async headers() {
    return [{ source: '/:path*', headers: [...STATIC_SECURITY_HEADERS] }];
  },
};

export default nextConfig;
