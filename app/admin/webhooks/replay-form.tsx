'use client';

import { useActionState } from 'react';
import { replayAction, type ReplayState } from './actions';

export function ReplayForm({ eventId }: { eventId: string }) {
  const [state, formAction, pending] = useActionState<ReplayState, FormData>(replayAction, {});
  return (
    <form action={formAction} className="replay-form" data-testid="replay-form">
      <input type="hidden" name="eventId" value={eventId} />
      <button type="submit" disabled={pending} aria-label={`Replay ${eventId}`}>
        {pending ? 'Replaying…' : 'Replay'}
      </button>
      {state.error && (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      )}
      {state.success && (
        <p className="form-success" role="status">
          {state.success}
        </p>
      )}
    </form>
  );
}
