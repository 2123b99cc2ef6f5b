// Preloaded into a server under soak (`node --require dist/bench/memory-probe.js …`): answers the
// harness's IPC question with the process's memory, so the server itself carries no such code.
if (process.send) {
  process.on('message', (message) => {
    if (message === 'memory') process.send!({ memory: process.memoryUsage() });
  });
  // The IPC channel would keep a finished server alive; it must not.
  process.channel?.unref();
}
