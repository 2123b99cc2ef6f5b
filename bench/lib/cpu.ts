// Where the CPU goes during a measurement: the server instance, PostgreSQL's processes and the
// load generator itself share the machine's cores (issue 19: say what limits a rate on 2 cores).
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

function cpuSecondsOf(pid: number): number {
  try {
    // The command may hold spaces and parentheses: the fields start after the last ')'.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
  } catch {
    return 0; // ended meanwhile
  }
}

function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
      } catch {
        return false;
      }
    });
}

export interface CpuShares {
  /** Cores busy on average (1 = one core all the time), the server instances together. */
  instance: number;
  postgres: number;
  bench: number;
  /** The whole machine (every process), from /proc/stat. */
  machine: number;
}

function machineBusySeconds(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS;
}

/**
 * Starts counting; the returned function gives each party's average cores since. PostgreSQL's
 * backends come and go with connections, so those that ended meanwhile are missed: a lower bound.
 */
export function measureCpu(instancePids: number[]): () => CpuShares {
  const t0 = performance.now();
  const pg0 = new Map(postgresPids().map((pid) => [pid, cpuSecondsOf(pid)]));
  const instances = () => instancePids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  const instance0 = instances();
  const bench0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    let postgres = 0;
    for (const pid of postgresPids()) postgres += cpuSecondsOf(pid) - (pg0.get(pid) ?? 0);
    const bench = process.cpuUsage(bench0);
    const share = (busy: number) => Math.round((busy / seconds) * 100) / 100;
    return {
      instance: share(instances() - instance0),
      postgres: share(postgres),
      bench: share((bench.user + bench.system) / 1e6),
      machine: share(machineBusySeconds() - machine0),
    };
  };
}
