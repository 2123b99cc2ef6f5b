import { ChildProcess, spawn } from 'node:child_process';

/**
 * `node dist/server/main.js` in a child process (production mode, port 0), with the memory probe
 * preloaded so that the harness can ask for the server's own memory over IPC.
 */
export class Server {
  private constructor(
    readonly process: ChildProcess,
    readonly url: string,
    readonly wsUrl: string,
  ) {}

  static async start(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<Server> {
    const child = spawn(process.execPath, ['--require', `${__dirname}/../memory-probe.js`, 'dist/server/main.js'], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        RATE_LIMIT_SCALE: '1000',
        LOG_LEVEL: 'info',
        NODE_ENV: 'production',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let output = '';
    const port = await new Promise<string>((resolve, reject) => {
      // The log is read until the server says where it listens, then drained unread.
      child.stdout!.on('data', (chunk) => {
        if (output === null) return;
        output += chunk;
        const match = /localhost:(\d+)\//.exec(output);
        if (match) {
          output = null as unknown as string;
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });
    return new Server(child, `http://localhost:${port}/graphql`, `ws://localhost:${port}/graphql`);
  }

  memory(): Promise<NodeJS.MemoryUsage> {
    return new Promise((resolve) => {
      const onMessage = (message: { memory?: NodeJS.MemoryUsage }) => {
        if (!message.memory) return;
        this.process.off('message', onMessage);
        resolve(message.memory);
      };
      this.process.on('message', onMessage);
      this.process.send('memory');
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.process.once('exit', () => resolve());
      this.process.kill('SIGTERM');
    });
  }
}
