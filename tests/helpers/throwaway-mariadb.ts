import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { findProgram, run, throwawayServer, waitUntil, type ThrowawayServer } from './throwaway-server';

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'];

/** The server and its installer, or null (the test then says MariaDB's server programs are missing). */
export const mariadbPrograms = () => {
  const server = findProgram(['mariadbd', 'mysqld'], SBIN);
  const install = findProgram(['mariadb-install-db', 'mysql_install_db'], SBIN);
  return server && install ? { server, install } : null;
};

/** Small and not durable: nothing here must survive the machine, and start-up stays under a second. */
const SERVER_OPTIONS = [
  '--innodb-log-file-size=4M',
  '--innodb-buffer-pool-size=16M',
  '--innodb-doublewrite=0',
  '--innodb-flush-log-at-trx-commit=0',
  '--innodb-buffer-pool-dump-at-shutdown=0',
  '--innodb-buffer-pool-load-at-startup=0',
  '--skip-name-resolve',
];

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/**
 * A MariaDB server of the test's own on 127.0.0.1 and a free port, its data in a temp folder,
 * none of the machine's option files read. The server is this process's child: `crash` is SIGKILL.
 */
export const startThrowawayMariadb = async (): Promise<ThrowawayServer> => {
  const programs = mariadbPrograms();
  if (!programs) throw new Error('mariadbd or mariadb-install-db not found on PATH nor in /usr/sbin');
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-mariadb-'));
  const data = path.join(dir, 'data');
  const errorLog = path.join(dir, 'error.log');
  let child: ChildProcess | null = null;

  return throwawayServer({
    client: 'mysql',
    user: 'root',
    dir,
    async install() {
      await run(programs.install, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot, ...SERVER_OPTIONS]);
    },
    async start(port) {
      const started = spawn(
        programs.server,
        [
          '--no-defaults',
          `--datadir=${data}`,
          `--socket=${path.join(dir, 'mariadb.sock')}`,
          `--pid-file=${path.join(dir, 'mariadb.pid')}`,
          `--log-error=${errorLog}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          '--skip-log-bin',
          ...asRoot,
          ...SERVER_OPTIONS,
        ],
        { stdio: 'ignore' }
      );
      child = started;
      let gone = false;
      started.once('exit', () => (gone = true));
      try {
        const ping = async () => {
          await (await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '' })).end();
          return true;
        };
        await waitUntil('the throw-away MariaDB', ping, () => gone);
      } catch (error) {
        started.kill('SIGKILL');
        await exited(started);
        child = null;
        const log = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8').slice(-2000) : '';
        throw new Error(`${(error as Error).message}\n${log}`);
      }
    },
    async stop(how) {
      if (!child) return;
      const stopping = child;
      child = null;
      stopping.kill(how === 'fast' ? 'SIGTERM' : 'SIGKILL');
      await exited(stopping);
    },
    killNow() {
      child?.kill('SIGKILL');
    },
  });
};
