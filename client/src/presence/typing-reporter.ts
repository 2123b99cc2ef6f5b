/**
 * What a ticket page reports of its composer (docs/architecture.md §8), throttled: the first
 * keystroke says "typing", further keystrokes say it again at most every TYPING_REFRESH_MS (the
 * server forgets a typist after 6 s), and TYPING_IDLE_MS without a keystroke, or sending, says
 * "stopped". Switching between a reply and a note while typing says so at once. Between these, the
 * page's heartbeat repeats the current state.
 */

export const HEARTBEAT_MS = 10_000;
export const TYPING_REFRESH_MS = 4_000;
export const TYPING_IDLE_MS = 3_000;

export interface ActivityReport {
  typing: boolean;
  internal: boolean;
}

export interface Timers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class TypingReporter {
  private typing = false;
  private internal = false;
  private sentAt = -Infinity;
  private idle: unknown;

  constructor(
    private readonly send: (report: ActivityReport) => void,
    private readonly timers: Timers = browserTimers,
  ) {}

  /** A keystroke in the composer (`internal`: it holds a note). */
  keystroke(internal: boolean): void {
    const now = this.timers.now();
    const changed = !this.typing || internal !== this.internal;
    this.typing = true;
    this.internal = internal;
    if (changed || now - this.sentAt >= TYPING_REFRESH_MS) this.report(now);
    this.timers.clearTimeout(this.idle);
    this.idle = this.timers.setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  /** Typing ended: sent, emptied, or idle. */
  stop(): void {
    this.timers.clearTimeout(this.idle);
    if (!this.typing) return;
    this.typing = false;
    this.report(this.timers.now());
  }

  /** The heartbeat's report: the current state, without changing it. */
  current(): ActivityReport {
    return { typing: this.typing, internal: this.typing && this.internal };
  }

  dispose(): void {
    this.timers.clearTimeout(this.idle);
  }

  private report(now: number) {
    this.sentAt = now;
    this.send(this.current());
  }
}
