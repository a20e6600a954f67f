import { notFound } from 'next/navigation';
import { connection } from 'next/server';

/**
 * Every path no other route matches: the 404 page, rendered per request.
 * Without this, Next answers them with app/not-found.tsx prerendered at build
 * time (the layout reads nothing of the request, so it can), which carries no
 * CSP nonce, and proxy.ts gives those paths the nonce policy: the page's
 * scripts would be refused. app/not-found.tsx itself must stay static: React
 * renders it inside every page's tree, the cached catalog pages' too.
 */
export default async function Missing(): Promise<never> {
  await connection();
  notFound();
}
