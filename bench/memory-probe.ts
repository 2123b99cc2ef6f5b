// Preloaded into a server under soak (`node --require dist/bench/memory-probe.js …`): answers the
// harness's IPC question with the process's memory, so the server itself carries no such code.
// Started with --expose-gc, the server collects its garbage first: what it holds, not when it last collected.
if (process.send) {
  process.on('message', (message) => {
    if (message !== 'memory') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    process.send!({ memory: process.memoryUsage() });
  });
  // The IPC channel would keep a finished server alive; it must not.
  process.channel?.unref();
}
