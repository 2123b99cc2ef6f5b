import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** Turns a raw row (from `RETURNING *` or a hand-written SELECT) into an entity instance. */
export function hydrate<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, row: Record<string, unknown>): T {
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (column.databaseName in row) (entity as Record<string, unknown>)[column.propertyName] = row[column.databaseName];
  }
  return entity;
}
