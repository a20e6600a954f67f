import { sendDueEmails } from '@/lib/email/worker';
import { retryDueDetaches } from '@/lib/mandates/detach';
import { cancelOverduePayLaterOrders } from '@/lib/orders/pay-later';
import { bearerRefusal } from '@/lib/platform/bearer';
import { noStoreJson } from '@/lib/platform/json-response';
import { env } from '@/lib/platform/env';

export const dynamic = 'force-dynamic';
/** A round may wait on SMTP and Stripe; Vercel's default limit for a function would cut it short. */
export const maxDuration = 60;

/**
 * The scheduled work of a server process, for hosts where no process lives
 * between requests (Vercel Cron, a Kubernetes CronJob, a systemd timer): sends
 * due emails, retries due detaches and cancels overdue pay-later orders, exactly what each `npm start` process
 * does on its own. Safe beside those workers and beside itself: both take
 * their rows with SKIP LOCKED. GET is what Vercel Cron sends (with
 * `Authorization: Bearer $CRON_SECRET`); POST for everything else.
 */
async function run(request: Request): Promise<Response> {
  const refused = bearerRefusal(request, env().cronSecret);
  if (refused) return refused;
  const emails = await sendDueEmails({ limit: 200 });
  const detaches = await retryDueDetaches();
  const overdueOrdersCanceled = await cancelOverduePayLaterOrders();
  return noStoreJson(200, { emails, detaches, overdueOrdersCanceled });
}

export const GET = run;
export const POST = run;
