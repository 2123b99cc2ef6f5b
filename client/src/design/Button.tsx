import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Link } from 'react-router';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

interface CommonProps {
  variant?: Variant;
  small?: boolean;
  block?: boolean;
  children: ReactNode;
}

function classes({ variant = 'primary', small, block }: Omit<CommonProps, 'children'>, extra?: string) {
  return ['btn', `btn--${variant}`, small ? 'btn--small' : '', block ? 'btn--block' : '', extra ?? ''].filter(Boolean).join(' ');
}

interface ButtonProps extends CommonProps, Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> {
  loading?: boolean;
}

export function Button({ variant, small, block, loading, className, children, disabled, type = 'button', ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={classes({ variant, small, block }, className)}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...rest}
    >
      {loading && <span className="btn__spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

interface ButtonLinkProps extends CommonProps {
  to: string;
  className?: string;
}

/** A link that looks like a button (navigation stays a link for keyboard and screen readers). */
export function ButtonLink({ to, variant, small, block, className, children }: ButtonLinkProps) {
  return (
    <Link to={to} className={classes({ variant, small, block }, className)}>
      {children}
    </Link>
  );
}
