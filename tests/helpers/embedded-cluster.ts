import { ChildProcess, spawn } from 'node:child_process';

/**
 * A PostgreSQL of the test's own (the embedded one of `npm start`), in a child process so that the
 * test can stop it and start it again on the same port and data. Needs the built server (buildServer).
 */
export class EmbeddedCluster {
  private child?: ChildProcess;
  url = '';

  constructor(
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    const script = `
      const { startEmbeddedPostgres } = require('./dist/server/db/embedded-postgres.js');
      startEmbeddedPostgres(process.argv[1], () => undefined, Number(process.argv[2])).then((db) => {
        process.stdout.write('url ' + db.url + '\\n');
        process.on('SIGTERM', () => db.stop().then(() => process.exit(0)));
      }, (error) => { console.error(error); process.exit(1); });`;
    this.child = spawn(process.execPath, ['-e', script, this.dataDir, String(this.port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.url = await new Promise<string>((resolve, reject) => {
      let output = '';
      this.child!.stdout!.on('data', (chunk) => {
        output += chunk;
        const match = /^url (\S+)$/m.exec(output);
        if (match) resolve(match[1]);
      });
      this.child!.once('exit', (code) => reject(new Error(`the embedded cluster exited with ${code}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
}
