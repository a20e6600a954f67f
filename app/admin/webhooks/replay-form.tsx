'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/_components/form-field';
import { replayAction, type ReplayState } from './actions';

/** Replays one failed event; the list's filters ride along so the answer comes back to the same view. */
export function ReplayForm({ eventId, status, type }: { eventId: string; status?: string; type?: string }) {
  const [state, formAction, pending] = useActionState<ReplayState, FormData>(replayAction, {});
  return (
    <form action={formAction} className="replay-form" data-testid="replay-form">
      <input type="hidden" name="eventId" value={eventId} />
      {status && <input type="hidden" name="status" value={status} />}
      {type && <input type="hidden" name="type" value={type} />}
      <button type="submit" disabled={pending} aria-label={`Replay ${eventId}`}>
        {pending ? 'Replaying…' : 'Replay'}
      </button>
      <FormError message={state.error} />
    </form>
  );
}
