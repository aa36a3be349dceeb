export interface TestDatabase {
  /** DATABASE_* variables that point Strapi at it. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A database server a test started itself (tests/helpers/throwaway-*.ts); unset fields take the shared server's. */
export interface DatabaseServer {
  host?: string;
  port: number;
  user?: string;
  password?: string;
}

/** A fresh PostgreSQL or MySQL/MariaDB database, named `<prefix>_<pid>_<random>`, on the shared server or on `server`. */
export declare const createTestDatabase: (client: string, prefix?: string, server?: DatabaseServer) => Promise<TestDatabase>;
