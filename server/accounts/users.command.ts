import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors';
import { SessionService } from '../auth/session.service';
import { UsersService } from './users.service';

const USAGE = `Usage: npm run users -- <command> [options]
  add --email E --name N [--password P] --role customer|superadmin [--tenant "Company"]
  list
  set-password --email E [--password P]
  remove --email E
Without --password, the password is asked for (not shown) or read from standard input: other users
of the machine see command-line arguments (ps), not standard input.
Reads DATABASE_URL, or finds the embedded database while \`npm start\` runs it.`;

/** The password from standard input: asked for on a terminal without echo, else its first line. */
async function readPassword(): Promise<string> {
  const input = process.stdin;
  if (input.isTTY) process.stderr.write('Password (not shown): ');
  const lines = createInterface({
    input,
    output: new Writable({ write: (_chunk, _encoding, done) => done() }),
    terminal: Boolean(input.isTTY),
  });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
    if (input.isTTY) process.stderr.write('\n');
  }
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      tenant: { type: 'string' },
    },
  });
  const command = positionals[0];
  const need = (option: keyof typeof values) => {
    const value = values[option];
    if (typeof value !== 'string' || !value.trim()) throw new UsageError(`${command} needs --${option}`);
    return value;
  };
  const password = () => (values.password !== undefined ? need('password') : readPassword());
  if (!['add', 'list', 'set-password', 'remove'].includes(command)) throw new UsageError(USAGE);

  // Imported here so that a usage error needs no database.
  const { default: dataSource } = await import('../../ormconfig');
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    // Ending sessions announces them to the running servers in the same statement
    // (SessionService): a session that could not be announced is not ended, and the command fails.
    const sessions = new SessionService(dataSource);
    const users = new UsersService(dataSource, sessions);
    if (command === 'add') {
      const user = await users.add({
        email: need('email'),
        name: need('name'),
        password: await password(),
        role: need('role'),
        tenant: values.tenant,
      });
      console.log(`Added ${user.role} ${user.email}`);
    } else if (command === 'list') {
      console.table(await users.list());
    } else if (command === 'set-password') {
      await users.setPassword(need('email'), await password());
      console.log(`Set a new password for ${values.email}; their sessions have ended`);
    } else {
      await users.remove(need('email'));
      console.log(`Removed ${values.email} with their sessions and tickets`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof UsageError || error instanceof TypeError ? error.message : error);
  process.exit(1);
});
