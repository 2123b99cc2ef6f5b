import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';
import { TICKET_DOCUMENT, countFunction, wordSearchFunction } from './1764421000000-WordSearch';

/** The column that holds a ticket's words. */
const DOCUMENT = 'search_document';
const SEARCH = 'support_ticket_search(text, text, timestamptz, uuid, int, int)';
const SEARCH_MANY = 'support_ticket_search(text, text, timestamptz, uuid, int, int, boolean)';

/**
 * A ticket's words are stored (a generated column) instead of computed from its fields at each
 * look. The GIN index gathers every match of a word before the first can be returned: a tenth of
 * 10M tickets for "pay", 363 ms however few a page shows (README "Ten times the scale"). Walking a
 * list's own index and testing each ticket stops after a page or the count's cap, but testing meant
 * computing the words (accents, lower case, to_tsvector) for every ticket passed, so the planner
 * rightly chose the index. With the words stored, a test is a comparison with the stored tsvector:
 * the planner weighs walking the list (common words: a page within a few hundred tickets) against
 * the index (rare words), per search, as the search functions plan each statement for its query.
 *
 * The planner estimates several words as if they were unrelated ("parental" and "leave" are not),
 * so it took the index for "parental leave for interns": all 8,295 matches and 14,451 tickets more
 * rechecked for the prefix, sorted, for a page of 25 (300–470 ms at 10M). A search that counted more
 * matches than the count's cap (`many`) is common enough that walking the list finds a page soon:
 * its test is then written as the function `ts_match_vq`, which no index serves, so the list's own
 * index is walked (31,000 tickets, 36 ms, for a search one ticket in 1,200 matches). Not when a
 * company matches too: then the count may be the company's tickets, and the words few or none (a
 * company's name walked the whole list at 10M: 14.9 s, `npm run bench -- --scale 10`).
 *
 * The column is recomputed with every update of a ticket (PostgreSQL computes stored columns on
 * each update): the same words, a few microseconds against a reply's milliseconds of SQL.
 */
export class StoredSearchDocument1764426000000 implements MigrationInterface {
  name = 'StoredSearchDocument1764426000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE support_tickets ADD COLUMN ${DOCUMENT} tsvector GENERATED ALWAYS AS (${TICKET_DOCUMENT}) STORED`);
    // IF EXISTS: a database being bulk-loaded (the bench seed) may have dropped it already.
    await q.query(`DROP INDEX IF EXISTS support_tickets_search_idx`);
    await q.query(`CREATE INDEX support_tickets_search_idx ON support_tickets USING gin (${DOCUMENT})`);
    await q.query(`DROP FUNCTION ${SEARCH}`);
    await q.query(wordSearchFunction({ document: DOCUMENT, walk: true }));
    await q.query(`REVOKE ALL ON FUNCTION ${SEARCH_MANY} FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION ${SEARCH_MANY} TO ${APP_ROLE}`);
    await q.query(countFunction({ wholeWordsFirst: true, document: DOCUMENT }));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${SEARCH_MANY}`);
    await q.query(wordSearchFunction({ document: TICKET_DOCUMENT, walk: false }));
    await q.query(`REVOKE ALL ON FUNCTION ${SEARCH} FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION ${SEARCH} TO ${APP_ROLE}`);
    await q.query(countFunction({ wholeWordsFirst: true, document: TICKET_DOCUMENT }));
    await q.query(`DROP INDEX support_tickets_search_idx`);
    await q.query(`ALTER TABLE support_tickets DROP COLUMN ${DOCUMENT}`);
    await q.query(`CREATE INDEX support_tickets_search_idx ON support_tickets USING gin ((${TICKET_DOCUMENT}))`);
  }
}
