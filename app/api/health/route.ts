import { db } from '@/lib/platform/db';
import { noStoreJson } from '@/lib/platform/json-response';

export const dynamic = 'force-dynamic';

/** Liveness for load balancers: 200 when the database answers, 503 when it does not. */
export async function GET(): Promise<Response> {
  try {
    await db.$queryRaw`SELECT 1`;
    return noStoreJson(200, { status: 'ok' });
  } catch {
    return noStoreJson(503, { status: 'unavailable', code: 'database_unavailable' });
  }
}
