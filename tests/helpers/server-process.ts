import { ChildProcess, spawn } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  origin: string;
  /** Everything it printed so far. */
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `node dist/server/main.js` as an operator runs it (build first with buildServer), on port 0, from
 * `cwd` (the repository by default); resolves once it says where it serves.
 */
export function startServerProcess(env: NodeJS.ProcessEnv, cwd?: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['dist/server/main.js'], {
    cwd,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const port = /serving http:\/\/localhost:(\d+)\//.exec(output)?.[1];
      if (!port) return;
      const origin = `http://localhost:${port}`;
      resolve({
        child,
        url: `${origin}/graphql`,
        wsUrl: `ws://localhost:${port}/graphql`,
        origin,
        output: () => output,
        exited,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the server exited with ${code}: ${output}`)));
  });
}
