import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { DatabaseServer } from './database';

/**
 * A database server a test starts, restarts and removes itself (never the shared one on 5432/3306):
 * tests/helpers/throwaway-postgres.ts and throwaway-mariadb.ts make them.
 */
export interface ThrowawayServer extends DatabaseServer {
  client: 'postgres' | 'mysql';
  host: string;
  user: string;
  password: string;
  /** `fast`: the server's own orderly shutdown; `crash`: killed at once, as a power cut would. */
  stop(how: 'fast' | 'crash'): Promise<void>;
  /** Resolves once the server accepts connections again. */
  start(): Promise<void>;
  /** Stops it if it runs and deletes its files; safe to call twice. */
  remove(): Promise<void>;
}

/** How one kind of server is made, started and stopped; its files live in `dir`. */
export interface ServerProgram {
  client: ThrowawayServer['client'];
  user: string;
  dir: string;
  /** Makes the data folder (initdb, mariadb-install-db). */
  install(): Promise<void>;
  start(port: number): Promise<void>;
  stop(how: 'fast' | 'crash'): Promise<void>;
  /** Kills it at once, synchronously: when the test process exits without remove(). */
  killNow(): void;
}

/** Installs and starts the server on a free port of 127.0.0.1; on any failure, removes what it made. */
export const throwawayServer = async (program: ServerProgram): Promise<ThrowawayServer> => {
  let running = false;
  // A crashed or killed test process must not leave the server behind.
  const onExit = () => {
    if (running) program.killNow();
  };
  process.once('exit', onExit);
  const server: ThrowawayServer = {
    client: program.client,
    host: '127.0.0.1',
    port: 0,
    user: program.user,
    password: '',
    async start() {
      await program.start(server.port);
      running = true;
    },
    async stop(how) {
      await program.stop(how);
      running = false;
    },
    async remove() {
      if (running) await server.stop('crash').catch(() => program.killNow());
      process.off('exit', onExit);
      fs.rmSync(program.dir, { recursive: true, force: true });
    },
  };
  try {
    await program.install();
    server.port = await freePort();
    await server.start();
  } catch (error) {
    await server.remove();
    throw error;
  }
  return server;
};

/** A TCP port nobody listens on now (the server takes it a moment later). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** Runs a program to its end; rejects with its output when it fails. */
export const run = (file: string, args: string[], timeoutMs = 60_000) =>
  new Promise<string>((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });

/** The first of these programs found on PATH or in the folders given (Debian keeps some off PATH). */
export const findProgram = (names: string[], folders: string[] = []): string | null => {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...folders].filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
};

/** Polls `ready` (a throw counts as not yet) until it answers true, for `timeoutMs` at most or until `givenUp`. */
export const waitUntil = async (what: string, ready: () => Promise<boolean>, givenUp = () => false, timeoutMs = 30_000) => {
  const started = Date.now();
  while (!(await ready().catch(() => false))) {
    if (givenUp()) throw new Error(`${what}: gave up`);
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
