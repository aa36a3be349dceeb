import type { Knex } from 'knex';

/**
 * Creates one of the plugin's own tables when it is missing (README: "What the plugin adds to your
 * database"); safe when several instances start at once. Strapi leaves tables it never created alone.
 */
export const ensureOwnTable = async (knex: Knex, name: string, build: (table: Knex.CreateTableBuilder) => void) => {
  if (await knex.schema.hasTable(name)) return;
  try {
    await knex.schema.createTable(name, build);
  } catch (error) {
    // Another instance created it first.
    if (!(await knex.schema.hasTable(name))) throw error;
  }
};
