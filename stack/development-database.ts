// Where the development database lives when DATABASE_URL is not set: the embedded
// PostgreSQL that `npm run dev` starts. prisma.config.ts and the dev script both read
// these, so the two can never disagree.

export const EMBEDDED_DEV_PORT = 54329;

export const EMBEDDED_DEV_DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${EMBEDDED_DEV_PORT}/storefront`;
