'use client';

import { useActionState } from 'react';
import { signUpAction, type AuthFormState } from '../actions';
import { Field, FormError } from '@/app/_components/form-field';

export function SignUpForm({ next }: { next: string }) {
  const [state, formAction, pending] = useActionState<AuthFormState, FormData>(signUpAction, {});
  return (
    <form action={formAction} className="auth-form" noValidate>
      <input type="hidden" name="next" value={next} />
      <Field
        name="name"
        label="Name"
        type="text"
        autoComplete="name"
        defaultValue={state.values?.name}
        error={state.fieldErrors?.name}
      />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        error={state.fieldErrors?.password}
      />
      <FormError message={state.error} />
      <button type="submit" disabled={pending}>
        {pending ? 'Creating your account…' : 'Create account'}
      </button>
    </form>
  );
}
