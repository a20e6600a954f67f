import { sendDueEmails } from '@/lib/email/worker';
import { retryDueDetaches } from '@/lib/mandates/detach';
import { bearerMatches } from '@/lib/platform/bearer';
import { env } from '@/lib/platform/env';

export const dynamic = 'force-dynamic';
/** A round may wait on SMTP and Stripe; Vercel's default limit for a function would cut it short. */
export const maxDuration = 60;

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });

/**
 * The scheduled work of a server process, for hosts where no process lives
 * between requests (Vercel Cron, a Kubernetes CronJob, a systemd timer): sends
 * due emails and retries due detaches, exactly what each `npm start` process
 * does on its own. Safe beside those workers and beside itself: both take
 * their rows with SKIP LOCKED. GET is what Vercel Cron sends (with
 * `Authorization: Bearer $CRON_SECRET`); POST for everything else.
 */
async function run(request: Request): Promise<Response> {
  const secret = env().cronSecret;
  if (!secret) return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  if (!bearerMatches(request.headers.get('authorization'), secret)) {
    return json(401, { error: { code: 'unauthorized', message: 'A valid bearer token is required.' } });
  }
  const emails = await sendDueEmails({ limit: 200 });
  const detaches = await retryDueDetaches();
  return json(200, { emails, detaches });
}

export const GET = run;
export const POST = run;
