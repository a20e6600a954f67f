import { db } from '@/lib/platform/db';

export const dynamic = 'force-dynamic';

/** Liveness for load balancers: 200 when the database answers, 503 when it does not. */
export async function GET(): Promise<Response> {
  try {
    await db.$queryRaw`SELECT 1`;
    return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    return Response.json(
      { status: 'unavailable', code: 'database_unavailable' },
      { status: 503, headers: { 'Cache-Control': 'no-store' } },
    );
  }
}
