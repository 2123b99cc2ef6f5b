// The data source of the TypeORM CLI (`npm run migration:*`): DATABASE_URL, or the embedded
// database while `npm start` runs it.
import { existsSync, readFileSync } from 'node:fs';
import { createDataSource } from './server/db/data-source';
import { embeddedUrlFile } from './server/db/embedded-postgres';

const embedded = embeddedUrlFile(process.env.DATA_DIR || '.data');
const url = process.env.DATABASE_URL || (existsSync(embedded) ? readFileSync(embedded, 'utf8').trim() : undefined);
if (!url) {
  throw new Error('Set DATABASE_URL, or start the server with the embedded database (npm start) first');
}
export default createDataSource(url);
