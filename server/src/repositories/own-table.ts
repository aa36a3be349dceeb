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

/**
 * Adds columns a later version of the plugin keeps in one of its own tables, to a table an earlier
 * version created; each only when missing, and safe when several instances start at once.
 */
export const ensureOwnColumns = async (
  knex: Knex,
  name: string,
  columns: Record<string, (table: Knex.AlterTableBuilder) => void>
) => {
  for (const [column, add] of Object.entries(columns)) {
    if (await knex.schema.hasColumn(name, column)) continue;
    try {
      await knex.schema.alterTable(name, add);
    } catch (error) {
      // Another instance added it first.
      if (!(await knex.schema.hasColumn(name, column))) throw error;
    }
  }
};
