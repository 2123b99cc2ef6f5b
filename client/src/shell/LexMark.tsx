export function LexMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" className="lexmark">
      <rect width="32" height="32" rx="8" fill="var(--color-primary)" />
      <path d="M11 8v16h11" fill="none" stroke="#f2b35b" strokeWidth="3.2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
