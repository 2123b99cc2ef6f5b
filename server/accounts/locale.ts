import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer';
import { badInput } from '../errors';
import { isLocale, LOCALES } from '../i18n';
import { User } from './user.entity';

/**
 * Saves the viewer's choice of language; anything but a language the app speaks is refused, nothing
 * saved. `system` is the owner's data source: users are not the app role's (server/db/data-source.ts).
 */
export async function setLocale(system: DataSource, viewer: Viewer, locale: string): Promise<User> {
  if (!isLocale(locale)) throw badInput('locale', `locale must be one of ${LOCALES.join(', ')}`);
  await system.getRepository(User).update({ id: viewer.id }, { locale });
  return system.getRepository(User).findOneByOrFail({ id: viewer.id });
}
