import { createContext, useCallback, useContext, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ToastInput {
  message: string;
  /** One action, e.g. Undo; `run` should put focus somewhere sensible, as the toast goes with the click. */
  action?: { label: string; run: () => void };
}

type ShowToast = (toast: ToastInput) => void;

/** Long enough to read a short sentence and reach Undo; paused while the pointer or focus is on it. */
export const TOAST_MS = 7_000;

const ToastContext = createContext<ShowToast>(() => {});

/**
 * One toast at a time for the whole app (a new one replaces the last), in a polite live region that is
 * always there, so screen readers hear it without focus moving. It goes after `TOAST_MS`, on Escape or on
 * its close button; hovering or focusing it stops the clock.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [toast, setToast] = useState<(ToastInput & { id: number }) | null>(null);
  const [paused, setPaused] = useState({ hover: false, focus: false });
  const seq = useRef(0);

  const show = useCallback<ShowToast>((next) => {
    seq.current += 1;
    setToast({ ...next, id: seq.current });
  }, []);
  const dismiss = useCallback(() => {
    setToast(null);
    setPaused({ hover: false, focus: false });
  }, []);

  const held = paused.hover || paused.focus;
  // Escape on its buttons (the only places focus can be in it) puts it away
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') dismiss();
  };
  useEffect(() => {
    if (!toast || held) return;
    const timer = setTimeout(dismiss, TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast, held, dismiss]);

  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toast-region" role="status" aria-live="polite" data-testid="toast-region">
        {toast && (
          <div
            key={toast.id}
            className="toast"
            data-testid="toast"
            onMouseEnter={() => setPaused((p) => ({ ...p, hover: true }))}
            onMouseLeave={() => setPaused((p) => ({ ...p, hover: false }))}
            onFocus={() => setPaused((p) => ({ ...p, focus: true }))}
            onBlur={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setPaused((p) => ({ ...p, focus: false }));
            }}
          >
            <span className="toast__message">{toast.message}</span>
            {toast.action && (
              <button
                type="button"
                className="toast__action"
                onKeyDown={onKeyDown}
                onClick={() => {
                  toast.action!.run();
                  dismiss();
                }}
              >
                {toast.action.label}
              </button>
            )}
            <button type="button" className="toast__close" onClick={dismiss} onKeyDown={onKeyDown} aria-label={t('common.dismiss')}>
              ×
            </button>
          </div>
        )}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ShowToast {
  return useContext(ToastContext);
}
