import type { ReactNode } from 'react';

/** The "I agree to these terms" checkbox (name `consent`, value `yes`) with its error beside it. */
export function ConsentField({ error, children }: { error?: string; children: ReactNode }) {
  return (
    <div className="field field-wide">
      <label className="choice">
        <input
          type="checkbox"
          name="consent"
          value="yes"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'consent-error' : undefined}
        />
        {children}
      </label>
      {error && (
        <p id="consent-error" className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
