/**
 * Who is asking, as far as the request says: for rate limits and for the
 * evidence kept with a payment agreement.
 */
export type ClientInfo = { ip: string | null; userAgent: string | null };

export function clientInfo(headers: Headers): ClientInfo {
  // The rightmost X-Forwarded-For entry is the one added by the server in front
  // of us (Next's own server when it faces the network); earlier ones are the client's say-so.
  const forwarded = headers.get('x-forwarded-for')?.split(',').map((part) => part.trim()).filter(Boolean);
  const ip = forwarded?.at(-1) ?? headers.get('x-real-ip') ?? null;
  return { ip: ip?.slice(0, 64) ?? null, userAgent: headers.get('user-agent')?.slice(0, 512) ?? null };
}
