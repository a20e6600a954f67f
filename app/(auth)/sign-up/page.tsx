import type { Metadata } from 'next';
import Link from 'next/link';
import { SignUpForm } from './sign-up-form';

export const metadata: Metadata = { title: 'Create an account' };

type Props = { searchParams: Promise<{ next?: string | string[] }> };

export default async function SignUpPage({ searchParams }: Props) {
  const { next } = await searchParams;
  const target = typeof next === 'string' ? next : '/account';
  return (
    <section className="narrow" aria-labelledby="sign-up-heading">
      <h1 id="sign-up-heading">Create an account</h1>
      <SignUpForm next={target} />
      <p>
        Already have one? <Link href={`/sign-in?next=${encodeURIComponent(target)}`}>Sign in</Link>.
      </p>
    </section>
  );
}
