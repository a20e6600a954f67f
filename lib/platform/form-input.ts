/**
 * Server actions are public HTTP endpoints: their arguments are whatever the
 * request encoded (a string, a number, nothing), not always the form the page
 * rendered. Actions check before reading fields, so such a request gets an
 * answer instead of a TypeError and a 500.
 */
export const isForm = (value: unknown): value is FormData => value instanceof FormData;

export const UNREADABLE_FORM = 'This form could not be read. Please reload the page and try again.';

/**
 * The previous state of a useActionState form comes from the request as well
 * (the client sends it back), so it may be null or anything else: read the
 * answer counter defensively.
 */
export function nextSeq(previous: unknown): number {
  const seq = (previous as { seq?: unknown } | null | undefined)?.seq;
  return (typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : 0) + 1;
}

/**
 * The most a server action's request may carry (next.config.ts): a product image of
 * up to 2 MB (lib/catalog/images.ts) and the form around it, so an oversized image is
 * refused beside its field by the action rather than by Next. Larger bodies Next refuses.
 */
export const ACTION_BODY_LIMIT_MB = 3;
