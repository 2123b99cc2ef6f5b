import { useId, type ComponentProps, type ReactNode } from 'react';

interface FieldShellProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  counter?: { value: number; max: number };
  children: ReactNode;
}

function FieldShell({ id, label, hint, error, counter, children }: FieldShellProps) {
  return (
    <div className="field">
      <div className="field__label-row">
        <label className="field__label" htmlFor={id}>
          {label}
        </label>
        {counter && (
          <span className={`field__counter${counter.value > counter.max ? ' field__counter--over' : ''}`} aria-hidden="true">
            {counter.value}/{counter.max}
          </span>
        )}
      </div>
      {children}
      {hint && !error && (
        <span className="field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field__error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

type Described = { 'aria-describedby'?: string; 'aria-invalid'?: boolean };

function described(id: string, hint: unknown, error: string | undefined): Described {
  return {
    'aria-describedby': error ? `${id}-error` : hint ? `${id}-hint` : undefined,
    'aria-invalid': error ? true : undefined,
  };
}

interface FieldProps extends Omit<ComponentProps<'input'>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  showCounter?: boolean;
}

/** A labelled text input with hint and inline error. */
export function Field({ label, hint, error, showCounter, className, ...rest }: FieldProps) {
  const id = useId();
  const counter = showCounter && rest.maxLength ? { value: String(rest.value ?? '').length, max: rest.maxLength } : undefined;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} counter={counter}>
      <input id={id} className={`field__control ${className ?? ''}`} {...described(id, hint, error)} {...rest} />
    </FieldShell>
  );
}

interface TextAreaFieldProps extends Omit<ComponentProps<'textarea'>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
}

export function TextAreaField({ label, hint, error, className, ...rest }: TextAreaFieldProps) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <textarea id={id} className={`field__control ${className ?? ''}`} {...described(id, hint, error)} {...rest} />
    </FieldShell>
  );
}

export { FieldShell, described };
