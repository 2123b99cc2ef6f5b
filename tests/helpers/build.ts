import { execFileSync } from 'node:child_process';

/** Tests of the commands run the compiled server, as users do; this compiles it (quickly, when it is current). */
export function buildServer() {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
