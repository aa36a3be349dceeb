import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findProgram, run, throwawayServer, type ThrowawayServer } from './throwaway-server';

/** Debian installs the server's programs per major version, off PATH. */
const debianFolders = () => {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(root, version, 'bin'));
};

/** Where initdb is, or null (the test then says PostgreSQL's server programs are missing). */
export const postgresPrograms = () => findProgram(['initdb'], debianFolders());

/**
 * A PostgreSQL cluster of the test's own on 127.0.0.1 and a free port: initdb into a temp folder,
 * trust authentication, durability off (nothing here must survive the machine), started and
 * stopped with pg_ctl. initdb refuses root, so as root everything runs as the `postgres` user.
 */
export const startThrowawayPostgres = async (): Promise<ThrowawayServer> => {
  const initdb = postgresPrograms();
  if (!initdb) throw new Error('initdb not found on PATH nor under /usr/lib/postgresql');
  const pgCtl = path.join(path.dirname(initdb), 'pg_ctl');
  const asRoot = process.getuid?.() === 0;
  const command = (program: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  const as = (program: string, args: string[]) => run(...command(program, args));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-pg-'));
  const data = path.join(dir, 'data');
  const stopArgs = (how: 'fast' | 'crash') => ['-D', data, '-m', how === 'fast' ? 'fast' : 'immediate', '-w', '-t', '30', 'stop'];

  return throwawayServer({
    client: 'postgres',
    user: 'postgres',
    dir,
    async install() {
      if (asRoot) {
        const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
        fs.chownSync(dir, Number(uid), Number(gid));
      }
      await as(initdb, ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    },
    async start(port) {
      const options = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-k ${dir}`,
        '-c fsync=off',
        '-c full_page_writes=off',
        '-c synchronous_commit=off',
        '-c shared_buffers=16MB',
      ].join(' ');
      await as(pgCtl, ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
    },
    async stop(how) {
      await as(pgCtl, stopArgs(how));
    },
    killNow() {
      try {
        execFileSync(...command(pgCtl, stopArgs('crash')), { stdio: 'ignore', timeout: 10_000 });
      } catch {
        // nothing more can be done on the way out
      }
    },
  });
};
