import { currentUser } from '@/lib/platform/auth';
import { parseOrderFilters } from '@/lib/admin/orders';
import { orderCsvFilename, orderCsvStream } from '@/lib/admin/order-export';

export const dynamic = 'force-dynamic';

/**
 * The filtered order list as CSV, every row, streamed as it is read. Route
 * handlers pass through no layout, so the admin check is made here; anyone
 * else gets the same 404 as for a page that does not exist.
 */
export async function GET(request: Request): Promise<Response> {
  const user = await currentUser();
  if (user?.role !== 'admin')
    return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  const filters = parseOrderFilters(new URL(request.url).searchParams);
  return new Response(orderCsvStream(filters), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename=${orderCsvFilename()}`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
