import { z } from 'zod';
import { catalogChanged } from '@/lib/catalog/products';
import { bearerRefusal } from '@/lib/platform/bearer';
import { noStoreJson as json } from '@/lib/platform/json-response';
import { env } from '@/lib/platform/env';
import { readCappedText, REVALIDATE_BODY_LIMIT } from '@/lib/platform/request-body';

export const dynamic = 'force-dynamic';

const bodySchema = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
      .max(120)
      .optional(),
  })
  .strict();

/**
 * Tells this server that products changed outside it (a script, an import, a
 * database edit), so cached catalog pages are rebuilt on their next view.
 * One instance is enough: the others follow within a second
 * (lib/platform/shared-tag-cache.mjs).
 */
export async function POST(request: Request): Promise<Response> {
  const refused = bearerRefusal(request, env().revalidateSecret);
  if (refused) return refused;
  let body: unknown = {};
  const read = await readCappedText(request, REVALIDATE_BODY_LIMIT);
  if (!read.ok) return read.response;
  const text = read.text;
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      return json(400, {
        error: { code: 'invalid_json', message: 'The body must be JSON, e.g. {"slug":"linen-apron"} or {}.' },
      });
    }
  }
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    return json(400, {
      error: {
        code: 'invalid_body',
        message: 'Send {} for the whole catalog or {"slug":"…"} for one product.',
      },
    });
  }
  catalogChanged(parsed.data.slug);
  return json(200, { revalidated: parsed.data.slug ?? 'catalog' });
}
