import type { Metadata } from 'next';
import Link from 'next/link';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

type Props = { searchParams: Promise<{ next?: string | string[] }> };

export default async function SignInPage({ searchParams }: Props) {
  const { next } = await searchParams;
  const target = typeof next === 'string' ? next : '/account';
  return (
    <section className="narrow" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in</h1>
      <SignInForm next={target} />
      <p>
        New here? <Link href={`/sign-up?next=${encodeURIComponent(target)}`}>Create an account</Link>.
      </p>
    </section>
  );
}
