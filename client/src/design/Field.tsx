import { useId, type ComponentProps, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { intlLocale } from '../i18n';

/** A count shows once a text reaches this share of its limit: earlier it is only noise. */
export const COUNT_FROM = 0.9;

/** Whether a text of `length` characters is near its limit (or over it). */
export const nearLimit = (length: number, max: number) => length >= max * COUNT_FROM;

/** From 90% of a limit on: how many characters are left, or how many too many. Describes its field (`id`). */
export function CharacterCount({ id, length, max }: { id: string; length: number; max: number }) {
  const { t } = useTranslation();
  if (!nearLimit(length, max)) return null;
  const left = max - length;
  const n = new Intl.NumberFormat(intlLocale()).format(Math.abs(left));
  return (
    <span id={id} className={`field__count${left < 0 ? ' field__count--over' : ''}`} data-testid="character-count">
      {left >= 0 ? t('common.charactersLeft', { count: left, n }) : t('common.charactersOver', { count: -left, n })}
    </span>
  );
}

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
  /** The limit the server keeps: a count shows near it. */
  maxChars?: number;
}

export function TextAreaField({ label, hint, error, maxChars, className, ...rest }: TextAreaFieldProps) {
  const id = useId();
  const length = String(rest.value ?? '').length;
  const counted = maxChars !== undefined && nearLimit(length, maxChars);
  const describedBy = described(id, hint, error);
  if (counted) describedBy['aria-describedby'] = [describedBy['aria-describedby'], `${id}-count`].filter(Boolean).join(' ');
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <textarea id={id} className={`field__control ${className ?? ''}`} {...describedBy} {...rest} />
      {maxChars !== undefined && <CharacterCount id={`${id}-count`} length={length} max={maxChars} />}
    </FieldShell>
  );
}

export { FieldShell, described };
