import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { ANSWER_WITHIN_MS, expecting, judge, timedAttempt, untilRight, type Check, type Timed } from '../helpers/recovery';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { keepConfig } from '../helpers/restore';
import { basic, configure, createSiteUser, insertSiteUsers, settingsService, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';
import { mariadbPrograms, startThrowawayMariadb } from '../helpers/throwaway-mariadb';
import { postgresPrograms, startThrowawayPostgres } from '../helpers/throwaway-postgres';
import type { ThrowawayServer } from '../helpers/throwaway-server';

// SPEC: "A database that restarts or fails over is survived: requests fail while it is away and
// succeed again within seconds of its return, with no restart of Strapi." Each case starts a
// database server of its own (never the shared ones), boots the site on it, and restarts it twice
// under the running site: an orderly shutdown, then a crash.
const BACK_WITHIN_MS = 5000;
/**
 * The settings cache's lifetime here (750 ms by default): long enough that the first tries while the
 * database is away surely find the settings cached and meet the dead database further on; the last
 * tries come once it has run out, and meet it there.
 */
const SETTINGS_CACHE_MS = 2000;
const RESTARTS = ['fast', 'crash'] as const;
const LOGIN = 'chat';
const PASSWORD = 'restart-api-password-1';
const WIDGET_ID = 'w-restart';
const SECRET = 'restart-secret-key-0123456789';
const AUTH = basic(LOGIN, PASSWORD);

/** What the checks need of the running site. */
interface Site {
  app: TestApp;
  alice: { id: number; username: string };
  bob: { id: number; username: string };
  userJwt: string;
  adminJwt: string;
  /** Users to notify, one per try (the first notification in a user's window is the one emailed), and the last one told `sent`. */
  mailUsers: { id: number; email: string }[];
  mailed?: { id: number; email: string };
  /** The sign-up of the current phase, once made (the test clears it before the database comes back). */
  signup?: string;
  smtp: TestSmtp;
}

let signups = 0;
const ids = (body: unknown) => (Array.isArray(body) ? body.map((user: { user_id: number }) => user.user_id) : []);
const found = (body: { data?: { user_id: number; name: string }[] }) => body?.data ?? [];

/**
 * Everything the site must do again once its database is back. Each check is one route, asked as
 * its client asks it, with the answer it must give; to cover something new, add an entry.
 */
const CHECKS: Check<Site>[] = [
  {
    name: 'users by id',
    attempt: (site) =>
      judge(
        site.app.http().get(`/api/imbachat/v1/users/${site.alice.id},${site.bob.id}`).set('Authorization', AUTH),
        expecting(200, (body) => ids(body).join() === `${site.alice.id},${site.bob.id}`, 'not alice and bob')
      ),
  },
  {
    name: 'search',
    attempt: (site) =>
      judge(
        site.app.http().get('/api/imbachat/v1/search').query({ q: site.alice.username }).set('Authorization', AUTH),
        expecting(200, (body) => found(body).some((user) => user.user_id === site.alice.id), 'alice not found')
      ),
  },
  {
    name: 'chat token',
    attempt: (site) =>
      judge(
        site.app.http().get('/api/imbachat/token').set('Authorization', `Bearer ${site.userJwt}`),
        expecting(200, (body) => body.user_id === site.alice.id && typeof body.token === 'string', 'no token for alice')
      ),
  },
  {
    name: 'admin settings',
    attempt: (site) =>
      judge(
        site.app.http().get('/imbachat/settings').set('Authorization', `Bearer ${site.adminJwt}`),
        expecting(200, (body) => body.data?.widgetId === WIDGET_ID, 'not the saved settings')
      ),
  },
  {
    name: 'notification by user_id',
    async attempt(site) {
      const user = site.mailUsers.shift();
      if (!user) throw new Error('database-restart: out of users to notify');
      const attempt = await judge(
        site.app.http().post('/api/imbachat/v1/notifications').set('Authorization', AUTH).send({ user_id: user.id, title: 'Hello', body: 'A message' }),
        expecting(200, (body) => body.data?.sent === true, 'not sent')
      );
      if (attempt.wrong === null) site.mailed = user;
      return attempt;
    },
  },
  {
    // The outbox: an email_to is written to it before the answer, and worked on by this instance after it.
    name: 'outbox (email_to accepted and emailed)',
    async attempt(site) {
      const user = site.mailUsers.shift();
      if (!user) throw new Error('database-restart: out of users to notify');
      const attempt = await judge(
        site.app.http().post('/api/imbachat/v1/notifications').set('Authorization', AUTH).send({ email_to: user.email, title: 'Hello', body: 'Through the outbox' }),
        expecting(200, (body) => body.data?.accepted === true, 'not accepted')
      );
      if (attempt.wrong !== null) return attempt;
      const arrived = await mailArrived(site.smtp, user.email, 2500);
      return arrived ? attempt : { ...attempt, wrong: 'accepted, but no email arrived' };
    },
  },
  {
    // A sign-up through Strapi's own route reaches the search index (its lifecycle subscriber) at
    // once. While the database is away, the sign-up made before it went is searched for.
    name: 'new sign-up found by search',
    async attempt(site) {
      if (!site.signup) {
        // A name per try: users-permissions limits sign-ups per address.
        const username = `signup${(signups += 1)}`;
        const registered = await judge(
          site.app.http().post('/api/auth/local/register').send({ username, email: `${username}@example.test`, password: 'Secret-pass-1' }),
          expecting(200, (body) => typeof body.jwt === 'string', 'no sign-up')
        );
        if (registered.wrong !== null) return registered;
        site.signup = username;
      }
      const username = site.signup;
      return judge(
        site.app.http().get('/api/imbachat/v1/search').query({ q: username }).set('Authorization', AUTH),
        expecting(200, (body) => found(body).some((user) => user.name === username), 'the new user is not found')
      );
    },
  },
];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const everyCheck = (site: Site, label = '') =>
  Promise.all(CHECKS.map(async (check) => ({ ...(await timedAttempt(check, site)), name: `${check.name}${label}` })));

const mailArrived = async (smtp: TestSmtp, userEmail: string, withinMs = 5000) => {
  const started = Date.now();
  const arrived = () => smtp.received.some((mail) => mail.envelopeTo.includes(userEmail));
  while (!arrived() && Date.now() - started < withinMs) await pause(20);
  return arrived();
};

const table = (rows: Timed[], column: string) =>
  rows
    .map((row) => `  ${row.name.padEnd(36)} ${String(row.status).padStart(3)}  ${column} ${Number.isFinite(row.ms) ? `${row.ms} ms` : 'never'}`)
    .join('\n');

/** One line per try while the database is away: a 5xx, answered quickly. */
const awayVerdict = (attempt: Timed) =>
  `${attempt.name}: ${attempt.status >= 500 && attempt.status < 600 ? '5xx' : attempt.status}${attempt.ms < ANSWER_WITHIN_MS ? '' : `, after ${attempt.ms} ms`}`;
const backVerdict = (attempt: Timed) =>
  `${attempt.name}: ${attempt.wrong ?? (attempt.ms <= BACK_WITHIN_MS ? 'right in time' : `right after ${attempt.ms} ms`)}`;

const CASES = [
  { name: 'PostgreSQL', client: 'postgres', suite: 'npm run test:pg', programs: postgresPrograms, start: startThrowawayPostgres },
  { name: 'MariaDB', client: 'mysql', suite: 'npm run test:mysql', programs: mariadbPrograms, start: startThrowawayMariadb },
] as const;

for (const databaseCase of CASES) {
  // Each case runs in its database's suite, where its driver and server programs are expected.
  const inItsSuite = (process.env.DATABASE_CLIENT ?? 'sqlite') === databaseCase.client;
  const present = databaseCase.programs() !== null;
  const note = !inItsSuite ? ` (runs in ${databaseCase.suite})` : present ? '' : ` (SKIPPED: ${databaseCase.name}'s server programs are not installed)`;
  if (inItsSuite && !present) console.warn(`database-restart: ${databaseCase.name}'s server programs are not installed; its case is skipped`);

  (inItsSuite && present ? describe : describe.skip)(`a ${databaseCase.name} server that restarts under the running site${note}`, () => {
    let server: ThrowawayServer | undefined;
    let smtp: TestSmtp | undefined;
    let site: Site;
    let down = false;
    let restoreConfig: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      [server, smtp] = await Promise.all([databaseCase.start(), startSmtp()]);
      // Strapi's default pool keeps two idle connections: after a restart both are dead.
      const app = await startStrapi({ server, env: { ...smtp.env, DATABASE_POOL_MIN: '2' } });
      restoreConfig = keepConfig(app.strapi, ['plugin::imbachat.settingsCacheMs']);
      app.strapi.config.set('plugin::imbachat.settingsCacheMs', SETTINGS_CACHE_MS);
      await configure(app.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, widgetId: WIDGET_ID, secretKey: SECRET, notifyByEmail: true });
      const alice = await createSiteUser(app.strapi, { username: 'alice' });
      await insertSiteUsers(app.strapi, 200, 'mailto');
      site = {
        app,
        alice,
        bob: await createSiteUser(app.strapi, { username: 'bob' }),
        userJwt: await siteUserJwt(app.strapi, alice.id),
        adminJwt: await adminToken(app, await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)])),
        smtp: smtp!,
        mailUsers: await app.strapi.db.query('plugin::users-permissions.user').findMany({
          select: ['id', 'email'],
          where: { username: { $startsWith: 'mailto' } },
        }),
      };
    }, 120_000);

    afterAll(async () => {
      try {
        await restoreConfig?.();
        // The test database is dropped on the server it lives on: bring it back first.
        if (down) await server?.start();
        // A site that holds a connection it never gives back cannot close: the server goes anyway.
        const gaveUp = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Strapi did not close within 20 s')), 20_000).unref());
        if (site) await Promise.race([site.app.close(), gaveUp]);
      } finally {
        await smtp?.stop();
        await server?.remove();
      }
    }, 60_000);

    it('answers every check before any restart', async () => {
      const before = await everyCheck(site);
      expect(before.map(backVerdict)).toEqual(CHECKS.map((check) => `${check.name}: right in time`));
    });

    for (const how of RESTARTS) {
      // The same Strapi answers throughout: it is never restarted.
      it(`survives ${how === 'fast' ? 'an orderly shutdown' : 'a crash'}: a quick 5xx while it is away, every check right within ${BACK_WITHIN_MS / 1000} s of its return`, async () => {
        // An earlier test that failed may have left it down.
        if (down) await server!.start();
        // The settings read afresh just before the database goes, then again once their cache has run out.
        settingsService(site.app.strapi).invalidate();
        const readAt = Date.now();
        await everyCheck(site);
        await server!.stop(how);
        down = true;
        // Meant to start with the settings still cached: a slow machine would need a longer cache.
        expect(Date.now() - readAt).toBeLessThan(SETTINGS_CACHE_MS);
        const away = await everyCheck(site);
        await pause(readAt + SETTINGS_CACHE_MS + 250 - Date.now());
        away.push(...(await everyCheck(site, ', again')));

        site.signup = undefined;
        site.mailed = undefined;
        await server!.start();
        down = false;
        const since = Date.now();
        const back = await Promise.all(CHECKS.map((check) => untilRight(check, site, { since, withinMs: BACK_WITHIN_MS + 2000 })));

        console.log(
          `${databaseCase.name}, ${how} restart\n while away (status, answered in):\n${table(away, 'in')}\n` +
            ` once back (status, right after):\n${table(back, 'after')}`
        );
        // One verdict per check, so a failure shows every check's, not only the first.
        expect(away.map(awayVerdict)).toEqual(away.map((attempt) => `${attempt.name}: 5xx`));
        expect(back.map(backVerdict)).toEqual(CHECKS.map((check) => `${check.name}: right in time`));
        // The notification told `sent` did arrive. (A rejection nobody awaited, which would crash a
        // site on Node's defaults, fails the running test: jest watches for them.)
        const { mailed } = site as Site; // set by the check, out of TypeScript's sight
        expect(mailed && (await mailArrived(smtp!, mailed.email))).toBe(true);
        // The outbox's own timer lived through it: a row that comes due now is sent without a request.
        const late = site.mailUsers.shift()!;
        const knex = site.app.strapi.db.connection;
        await knex('imbachat_outbox').insert({ email_to: late.email, title: 'Due after the restart', body: '', attempts: 0, created_at: Date.now(), next_at: 0, lease_until: 0 });
        const started = Date.now();
        while (!smtp!.received.some((mail) => mail.envelopeTo.includes(late.email)) && Date.now() - started < 8000) await pause(50);
        expect(smtp!.received.some((mail) => mail.envelopeTo.includes(late.email))).toBe(true);
      }, 60_000);
    }
  });
}
