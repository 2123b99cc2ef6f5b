import type { HTMLAttributes, ReactNode } from 'react';

interface CardProps extends HTMLAttributes<HTMLElement> {
  as?: 'div' | 'section' | 'article' | 'aside';
  padded?: boolean;
  children: ReactNode;
}

export function Card({ as: Tag = 'div', padded = true, className, children, ...rest }: CardProps) {
  const cls = ['card', padded ? 'card--padded' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <Tag className={cls} {...rest}>
      {children}
    </Tag>
  );
}
