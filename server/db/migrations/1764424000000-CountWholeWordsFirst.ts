import { MigrationInterface, QueryRunner } from 'typeorm';
import { TICKET_DOCUMENT, countFunction } from './1764421000000-WordSearch';

/**
 * A search's count (migration WordSearch) reads the last word as a whole word first. The words' GIN
 * index cannot stop at the cap: it gathers every match before the first is counted, and the last
 * word as a prefix gathers every word it begins ("pay": pay, payroll, payslip, payment…). Its whole
 * word matches fewer tickets, all of which the prefix matches too, so when they alone reach the cap,
 * so does the search, and the count stops there. At 1M tickets: "pay" 67k matches as a prefix
 * against 33k as a word, "Bram de Vries" 52 against 10 ms (EXPLAIN ANALYZE, README "Ten times the
 * scale"). Under the cap the count is the prefix's, as before.
 */
export class CountWholeWordsFirst1764424000000 implements MigrationInterface {
  name = 'CountWholeWordsFirst1764424000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(countFunction({ wholeWordsFirst: true, document: TICKET_DOCUMENT }));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(countFunction({ wholeWordsFirst: false, document: TICKET_DOCUMENT }));
  }
}
