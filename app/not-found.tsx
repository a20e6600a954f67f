import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="notice-page">
      <h1>Page not found</h1>
      <p>We could not find what you were looking for. It may have been moved or is no longer sold.</p>
      <p>
        <Link href="/">Back to the shop</Link>
      </p>
    </section>
  );
}
