export interface TestDatabase {
  /** DATABASE_* variables that point Strapi at it. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL or MySQL/MariaDB database, named `<prefix>_<pid>_<random>`. */
export declare const createTestDatabase: (client: string, prefix?: string) => Promise<TestDatabase>;
