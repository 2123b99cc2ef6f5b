import { useId, type ReactNode, type SelectHTMLAttributes } from 'react';
import { FieldShell, described } from './Field';

export interface SelectOption {
  value: string;
  label: string;
}

interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  label: ReactNode;
  options: SelectOption[];
  hint?: ReactNode;
  error?: string;
  placeholder?: string;
}

/** A labelled native select (keyboard and mobile pickers for free). */
export function Select({ label, options, hint, error, placeholder, className, ...rest }: SelectProps) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <select id={id} className={`field__control ${className ?? ''}`} {...described(id, hint, error)} {...rest}>
        {placeholder !== undefined && (
          <option value="" disabled={rest.required}>
            {placeholder}
          </option>
        )}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
