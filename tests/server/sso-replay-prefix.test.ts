// Sign-in tokens are remembered in Redis under the deployment's REDIS_PREFIX: two deployments
// sharing one Redis never refuse each other's tokens as replays, and one deployment still does.
import { randomUUID } from 'node:crypto';
import { JtiReplayGuard, createJtiReplayGuard } from '../../server/auth/sso/jti-replay';

const redisUrl = process.env.LEX_TEST_REDIS_URL!;

/** The guard refuses to queue commands while connecting (as the server wants); wait until it answers. */
async function connected(guard: JtiReplayGuard): Promise<JtiReplayGuard> {
  for (let attempt = 0; ; attempt++) {
    try {
      await guard.firstUse(`probe-${randomUUID()}`, 1000);
      return guard;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

test('a token id used in one deployment is still new in another sharing the Redis', async () => {
  const jti = randomUUID();
  const [acme, initech, acmeAgain] = await Promise.all(
    ['acme', 'initech', 'acme'].map((deployment) => connected(createJtiReplayGuard(redisUrl, `${deployment}_${jti}`))),
  );
  try {
    expect(await acme.firstUse(jti, 60_000)).toBe(true);
    expect(await initech.firstUse(jti, 60_000)).toBe(true);
    // Another instance of the same deployment shares the memory.
    expect(await acmeAgain.firstUse(jti, 60_000)).toBe(false);
  } finally {
    acme.close();
    initech.close();
    acmeAgain.close();
  }
});
