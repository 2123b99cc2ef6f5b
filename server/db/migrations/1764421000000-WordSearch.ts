import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../../contract';
import { searchFunction } from './1764200000001-FasterSearch';

/**
 * Text as the search box reads it: accents off, lower case, every run of other characters than
 * letters and digits a space (an email's local part and domain fall apart into words). `unaccent`
 * with its dictionary named is immutable in fact, which an index expression needs.
 */
const SEARCH_TEXT = `
  CREATE FUNCTION lex_search_text(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(regexp_replace(public.unaccent('public.unaccent'::regdictionary, $1), '[^[:alnum:]]+', ' ', 'g'))`;
/** The words of a text, for the GIN indexes: the 'simple' configuration, so no stemming and no stop words in Dutch or English. */
const SEARCH_DOCUMENT = `
  CREATE FUNCTION lex_search_document(text) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN to_tsvector('simple'::regconfig, lex_search_text($1))`;
/** What a search asks: every word, the last as a prefix (it may still be typed); null when it has no words. */
const SEARCH_QUERY = `
  CREATE FUNCTION lex_search_query(text) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (SELECT to_tsquery('simple'::regconfig, string_agg(w, ' & ') || ':*')
            FROM unnest(string_to_array(trim(lex_search_text($1)), ' ')) w WHERE w <> '')`;

/** A ticket's own searchable fields, as its GIN index holds them (stored since migration StoredSearchDocument). */
export const TICKET_DOCUMENT = `lex_search_document(subject || ' ' || user_name || ' ' || user_email)`;

/**
 * The viewer's tickets matching a search, at most `lim`, in a list order after its cursor (the
 * keysets of server/support/ticket-order.ts), or in no order when `sort` is null (to count). Row-level
 * security keeps `@@` from the GIN index (it is not leakproof), so this runs as the owner and applies
 * the viewer rule of the policies itself; the statement is planned for its query (EXECUTE), so the
 * planner weighs the index against walking the order's own index and stopping at `lim`. Companies
 * match on all words of their name (lex_search_companies). `document`: a ticket's words (the expression
 * here, its stored column since migration StoredSearchDocument); `walk`: the argument `many` of
 * migration StoredSearchDocument.
 */
export const wordSearchFunction = ({ document, walk }: { document: string; walk: boolean }) => `
  CREATE OR REPLACE FUNCTION support_ticket_search(search text, sort text, after_at timestamptz, after_id uuid, after_number int, lim int${walk ? ', many boolean DEFAULT false' : ''})
  RETURNS TABLE (id uuid, updated_at timestamptz, ticket_number int)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
  DECLARE
    q tsquery := lex_search_query(search);
    team boolean := lex_viewer_is_team();
    viewer uuid := lex_viewer_id();
    companies uuid[];
    after_key text := CASE sort
      WHEN 'UPDATED_DESC' THEN ' AND ($4 IS NULL OR (updated_at, id) < ($4, $5))'
      WHEN 'UPDATED_ASC' THEN ' AND ($4 IS NULL OR (updated_at, id) > ($4, $5))'
      WHEN 'CREATED_DESC' THEN ' AND ($6 IS NULL OR ticket_number < $6)'
      WHEN 'CREATED_ASC' THEN ' AND ($6 IS NULL OR ticket_number > $6)'
      ELSE '' END;
    in_order text := CASE sort
      WHEN 'UPDATED_DESC' THEN ' ORDER BY updated_at DESC, id DESC'
      WHEN 'UPDATED_ASC' THEN ' ORDER BY updated_at, id'
      WHEN 'CREATED_DESC' THEN ' ORDER BY ticket_number DESC'
      WHEN 'CREATED_ASC' THEN ' ORDER BY ticket_number'
      ELSE '' END;
    matching text := 'SELECT id, updated_at, ticket_number FROM support_tickets WHERE '
      || CASE WHEN team THEN '' ELSE 'user_id = $3 AND ' END;
  BEGIN
    IF q IS NULL OR (NOT team AND viewer IS NULL) THEN RETURN; END IF;
    companies := lex_search_companies(q, team, viewer);
    -- Each company's tickets apart from the words' (its own (tenant_id, updated_at, id) index, in
    -- order): walking the list's index, the words' test would run on every ticket it passes.
    RETURN QUERY EXECUTE
      'SELECT * FROM ((' || matching || ${
        walk
          ? `CASE WHEN many AND cardinality(companies) = 0 THEN $doc$ts_match_vq(${document}, $1)$doc$ ELSE $doc$${document} @@ $1$doc$ END`
          : `$doc$${document} @@ $1$doc$`
      } || after_key || in_order || ' LIMIT $7)'
      || CASE WHEN cardinality(companies) > 0
           THEN ' UNION (SELECT c.* FROM unnest($2) company, LATERAL ('
                || matching || 'tenant_id = company' || after_key || in_order || ' LIMIT $7) c)' ELSE '' END
      || ') m' || in_order || ' LIMIT $7'
      USING q, companies, viewer, after_at, after_id, after_number, lim;
  END $$`;

/**
 * The companies whose names hold every word of a search: a team member's across tenants through the
 * index, a customer's only their own, read by its key (other tenants' names cost nothing, not even time).
 */
const COMPANIES_FUNCTION = `
  CREATE FUNCTION lex_search_companies(q tsquery, team boolean, viewer uuid) RETURNS uuid[] LANGUAGE sql STABLE
  RETURN CASE WHEN team THEN ARRAY(SELECT n.id FROM tenants n WHERE lex_search_document(n.name) @@ q)
              ELSE ARRAY(SELECT n.id FROM users u JOIN tenants n ON n.id = u.tenant_id
                          WHERE u.id = viewer AND lex_search_document(n.name) @@ q) END`;

/**
 * How many of the viewer's tickets match a search, counting each part only up to `lim` (the sum may
 * pass it): the words' matches through their index (each a heap page visited), a company's tickets
 * in its (tenant_id, updated_at, id) index alone. `wholeWordsFirst`: migration CountWholeWordsFirst;
 * `document` as for `wordSearchFunction`.
 */
export const countFunction = ({ wholeWordsFirst, document }: { wholeWordsFirst: boolean; document: string }) => `
  CREATE OR REPLACE FUNCTION support_ticket_search_count(search text, lim int) RETURNS int
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
  DECLARE
    q tsquery := lex_search_query(search);
    team boolean := lex_viewer_is_team();
    viewer uuid := lex_viewer_id();
    own text := CASE WHEN team THEN '' ELSE ' AND user_id = $3' END;
    companies uuid[];
    words text;
    n int;
  BEGIN
    IF q IS NULL OR (NOT team AND viewer IS NULL) THEN RETURN 0; END IF;
    companies := lex_search_companies(q, team, viewer);
    words := 'SELECT count(*) FROM (SELECT 1 FROM support_tickets WHERE ' || $doc$${document}$doc$ || ' @@ $1'
      || CASE WHEN cardinality(companies) > 0 THEN ' AND tenant_id <> ALL ($2)' ELSE '' END || own || ' LIMIT $4) w';${
        wholeWordsFirst
          ? `
    -- Words hold letters and digits only (lex_search_text), so ':*' in the query's text is the prefix mark.
    EXECUTE words INTO n USING replace(q::text, ':*', '')::tsquery, companies, viewer, lim;
    IF n >= lim THEN RETURN n; END IF;`
          : ''
      }
    EXECUTE 'SELECT (' || words || ') + (SELECT count(*) FROM unnest($2) company, LATERAL (SELECT 1 FROM support_tickets WHERE tenant_id = company'
      || own || ' LIMIT $4) c)'
      INTO n USING q, companies, viewer, lim;
    RETURN n;
  END $$`;

const TRIGRAM_INDEXES = {
  support_tickets_subject_trgm: 'support_tickets USING gin (subject gin_trgm_ops)',
  support_tickets_user_name_trgm: 'support_tickets USING gin (user_name gin_trgm_ops)',
  support_tickets_user_email_trgm: 'support_tickets USING gin (user_email gin_trgm_ops)',
  tenants_name_trgm: 'tenants USING gin (name gin_trgm_ops)',
};

/**
 * Search by words instead of substrings (issue 19, docs/architecture.md §8, "Search"): one GIN
 * index of a ticket's own words and one of company names replace the four trigram indexes, and the
 * search function returns a page's worth of matches in list order instead of every match.
 */
export class WordSearch1764421000000 implements MigrationInterface {
  name = 'WordSearch1764421000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(SEARCH_TEXT);
    await q.query(SEARCH_DOCUMENT);
    await q.query(SEARCH_QUERY);
    await q.query(`CREATE INDEX support_tickets_search_idx ON support_tickets USING gin ((${TICKET_DOCUMENT}))`);
    await q.query(`CREATE INDEX tenants_name_search_idx ON tenants USING gin (lex_search_document(name))`);
    // IF EXISTS: a database being bulk-loaded (the bench seed) may have dropped them already.
    for (const index of Object.keys(TRIGRAM_INDEXES)) await q.query(`DROP INDEX IF EXISTS ${index}`);
    await q.query(COMPANIES_FUNCTION);
    await q.query(`REVOKE ALL ON FUNCTION lex_search_companies(tsquery, boolean, uuid) FROM PUBLIC`);
    await q.query(wordSearchFunction({ document: TICKET_DOCUMENT, walk: false }));
    await q.query(countFunction({ wholeWordsFirst: false, document: TICKET_DOCUMENT }));
    for (const fn of ['support_ticket_search(text, text, timestamptz, uuid, int, int)', 'support_ticket_search_count(text, int)']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${APP_ROLE}`);
    }
    await q.query(`DROP FUNCTION support_ticket_ids_matching(text)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(searchFunction('lex_viewer_is_team()', 'lex_viewer_id()'));
    await q.query(`REVOKE ALL ON FUNCTION support_ticket_ids_matching(text) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION support_ticket_ids_matching(text) TO ${APP_ROLE}`);
    await q.query(`DROP FUNCTION support_ticket_search_count(text, int)`);
    await q.query(`DROP FUNCTION support_ticket_search(text, text, timestamptz, uuid, int, int)`);
    await q.query(`DROP FUNCTION lex_search_companies(tsquery, boolean, uuid)`);
    for (const [index, on] of Object.entries(TRIGRAM_INDEXES)) await q.query(`CREATE INDEX ${index} ON ${on}`);
    await q.query(`DROP INDEX tenants_name_search_idx`);
    await q.query(`DROP INDEX support_tickets_search_idx`);
    await q.query(`DROP FUNCTION lex_search_query(text)`);
    await q.query(`DROP FUNCTION lex_search_document(text)`);
    await q.query(`DROP FUNCTION lex_search_text(text)`);
  }
}
