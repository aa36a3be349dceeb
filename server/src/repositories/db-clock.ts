import type { Core } from '@strapi/strapi';
import { dialectOf, selectRows } from './sql';

/**
 * The database's own time in unix milliseconds, as an SQL expression. Windows that several instances
 * share (throttle, notifications, last seen, the outbox) are measured on this one clock, so an
 * instance whose clock runs ahead can neither end another's window early nor write times in the future.
 */
export const dbNowMs = (strapi: Core.Strapi): string => {
  switch (dialectOf(strapi)) {
    case 'postgres':
      return 'CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)';
    case 'mysql':
      // Both parts are the statement's start; UNIX_TIMESTAMP() without an argument ignores the session's time zone.
      return '(UNIX_TIMESTAMP() * 1000 + FLOOR(MICROSECOND(NOW(3)) / 1000))';
    default:
      return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  }
};

/** The database's time now, in one query (for the rare paths that have no statement to carry it). */
export const readDbNow = async (strapi: Core.Strapi): Promise<number> => {
  const [row] = await selectRows<{ now: number | string }>(strapi, strapi.db.connection, `SELECT ${dbNowMs(strapi)} AS now`);
  return Number(row.now);
};
