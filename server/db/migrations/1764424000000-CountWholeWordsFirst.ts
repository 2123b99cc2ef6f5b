import { MigrationInterface, QueryRunner } from 'typeorm';
import { COUNT_FUNCTION, TICKET_DOCUMENT } from './1764421000000-WordSearch';

/**
 * A search's count (migration WordSearch) reads the last word as a whole word first. The words' GIN
 * index cannot stop at the cap: it gathers every match before the first is counted, and the last
 * word as a prefix gathers every word it begins ("pay": pay, payroll, payslip, payment…). Its whole
 * word matches fewer tickets, all of which the prefix matches too, so when they alone reach the cap,
 * so does the search, and the count stops there. At 1M tickets: "pay" 67k matches as a prefix
 * against 33k as a word, "Bram de Vries" 52 against 10 ms (EXPLAIN ANALYZE, README "Ten times the
 * scale"). Under the cap the count is the prefix's, as before.
 */
const COUNT_WHOLE_WORDS_FIRST = `
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
    words := 'SELECT count(*) FROM (SELECT 1 FROM support_tickets WHERE ' || $doc$${TICKET_DOCUMENT}$doc$ || ' @@ $1'
      || CASE WHEN cardinality(companies) > 0 THEN ' AND tenant_id <> ALL ($2)' ELSE '' END || own || ' LIMIT $4) w';
    -- Words hold letters and digits only (lex_search_text), so ':*' in the query's text is the prefix mark.
    EXECUTE words INTO n USING replace(q::text, ':*', '')::tsquery, companies, viewer, lim;
    IF n >= lim THEN RETURN n; END IF;
    EXECUTE 'SELECT (' || words || ') + (SELECT count(*) FROM unnest($2) company, LATERAL (SELECT 1 FROM support_tickets WHERE tenant_id = company'
      || own || ' LIMIT $4) c)'
      INTO n USING q, companies, viewer, lim;
    RETURN n;
  END $$`;

export class CountWholeWordsFirst1764424000000 implements MigrationInterface {
  name = 'CountWholeWordsFirst1764424000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(COUNT_WHOLE_WORDS_FIRST);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(COUNT_FUNCTION);
  }
}
