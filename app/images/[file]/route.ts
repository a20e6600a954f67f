import { readImage } from '@/lib/catalog/images';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ file: string }> };

/**
 * Uploaded product images, by content hash: /images/<sha256>.<png|jpg|webp>.
 * The URL changes whenever the bytes do, so a browser or CDN may keep each
 * answer forever.
 */
export async function GET(_request: Request, { params }: Context): Promise<Response> {
  const image = await readImage((await params).file);
  if (!image) {
    return Response.json(
      { error: { code: 'not_found', message: 'No such image.' } },
      { status: 404, headers: { 'Cache-Control': 'no-store' } },
    );
  }
  return new Response(Buffer.from(image.bytes), {
    headers: {
      'Content-Type': image.contentType,
      'Content-Length': String(image.bytes.byteLength),
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
