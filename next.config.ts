import type { NextConfig } from 'next';

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
};

export default nextConfig;
