import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/** What a key signs; each purpose has a key of its own. */
export type KeyPurpose = 'attachment-links' | 'rating-links';

/**
 * The server's secret keys, kept in the database (`signing_keys`, owner only) so that every instance
 * signs and checks alike with no setting to share. The first instance to need a key makes it (256
 * random bits); instances racing to make one all read back the one that was stored first.
 */
export class SigningKeys {
  private readonly loaded = new Map<KeyPurpose, Promise<Buffer>>();

  constructor(private readonly system: DataSource) {}

  key(purpose: KeyPurpose): Promise<Buffer> {
    let key = this.loaded.get(purpose);
    if (!key) {
      key = this.load(purpose);
      // A failed load (the database away) is tried again on the next call.
      key.catch(() => this.loaded.delete(purpose));
      this.loaded.set(purpose, key);
    }
    return key;
  }

  private async load(purpose: KeyPurpose): Promise<Buffer> {
    await this.system.query(`INSERT INTO signing_keys (purpose, key) VALUES ($1, $2) ON CONFLICT (purpose) DO NOTHING`, [
      purpose,
      randomBytes(32),
    ]);
    const [row] = await this.system.query(`SELECT key FROM signing_keys WHERE purpose = $1`, [purpose]);
    return row.key as Buffer;
  }
}
