import type { ReactNode } from 'react';

/** What a field's control carries so screen readers tie it to its label, hint and error. */
export type ControlProps = {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
};

/**
 * A labelled control with its hint and its error beside it: `control` gets the
 * id and aria attributes to put on the input, select or textarea it renders.
 * The hint is `<id>-hint`, the error `<id>-error`.
 */
export function FormField(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  wide?: boolean;
  control: (aria: ControlProps) => ReactNode;
}) {
  const { id, label, error, hint, wide, control } = props;
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className={wide ? 'field field-wide' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {control({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {hint && (
        <p id={`${id}-hint`} className="muted">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A text input as a FormField, named as its id: the sign-in and sign-up forms. */
export function Field(props: {
  name: string;
  label: string;
  type: string;
  autoComplete: string;
  defaultValue?: string;
  error?: string;
  hint?: string;
}) {
  const { name, label, type, autoComplete, defaultValue, error, hint } = props;
  return (
    <FormField
      id={name}
      label={label}
      error={error}
      hint={hint}
      wide
      control={(aria) => (
        <input {...aria} name={name} type={type} autoComplete={autoComplete} defaultValue={defaultValue} />
      )}
    />
  );
}

/**
 * A form's error that is not any one field's (or a field's, given its id for
 * aria-describedby): announced as it appears, nothing when there is none.
 */
export function FormError(props: { message: string | null | undefined; id?: string }) {
  if (!props.message) return null;
  return (
    <p id={props.id} className="field-error" role="alert">
      {props.message}
    </p>
  );
}
