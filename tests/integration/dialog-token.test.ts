import jwt from 'jsonwebtoken';
import { restoreAfterEach } from '../helpers/restore';
import { configure, createSiteUser, expectNoSecretsIn, logFromNow, logged, requestStatements, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

const SECRET = 'dialog-token-secret-key-1';
const HOOK = 'plugin::imbachat.canOpenDialog';

let app: TestApp;
let alice: { id: number };
let bob: { id: number };
let aliceJwt: string;

/** `bearer` null: no Authorization header at all. */
const dialog = (body: unknown, bearer: string | null = aliceJwt) => {
  const req = app.http().post('/api/imbachat/dialog');
  if (bearer) req.set('Authorization', `Bearer ${bearer}`);
  return body === undefined ? req : req.send(body as object);
};
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const setHook = (hook: unknown) => app.strapi.config.set(HOOK, hook);

beforeAll(async () => {
  app = await startStrapi();
  alice = await createSiteUser(app.strapi, { username: 'dialog-alice' });
  bob = await createSiteUser(app.strapi, { username: 'dialog-bob' });
  aliceJwt = await siteUserJwt(app.strapi, alice.id);
});
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [SECRET]);
  } finally {
    await app?.close();
  }
});
restoreAfterEach(() => app, {
  config: [HOOK, 'plugin::imbachat.canOpenDialogTimeoutMs', 'plugin::imbachat.dialogTokens'],
});

describe('POST /api/imbachat/dialog', () => {
  it('answers 401 to an anonymous visitor and to a bad JWT', async () => {
    await configure(app.strapi, { widgetId: 'w-d', secretKey: SECRET });
    for (const bearer of [null, 'not-a-jwt']) {
      const res = await dialog({ user_id: bob.id }, bearer);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ status: 401, name: 'UnauthorizedError', message: expect.any(String) });
    }
  });

  it('answers 503 while the widget id or the secret key is not set', async () => {
    await configure(app.strapi, { widgetId: 'w-d', secretKey: null });
    const noSecret = await dialog({ user_id: bob.id });
    expect(noSecret.status).toBe(503);
    expect(noSecret.body.error.message).toMatch(/secret key/);
    await configure(app.strapi, { widgetId: null, secretKey: SECRET });
    expect((await dialog({ user_id: bob.id })).status).toBe(503);
  });

  describe('when configured', () => {
    beforeEach(async () => {
      await configure(app.strapi, { widgetId: 'w-d', secretKey: SECRET, tokenTtlSeconds: 900 });
    });

    it('gives a logged-in user a dialog token, with no permission ticked and no hook: status 0', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await dialog({ user_id: bob.id });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ token: expect.any(String), user_id: bob.id, status: 0, expires_at: expect.any(Number) });
      expect(res.body.expires_at).toBeGreaterThanOrEqual(before + 900);
      expect(res.body.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 900);
    });

    it('signs exactly {user_id, initiator, status, exp} with HS256 and the secret key', async () => {
      const res = await dialog({ user_id: String(bob.id) });
      expect(res.status).toBe(200);
      const [header, payload] = res.body.token.split('.');
      expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
      // The WordPress plugin's order, and nothing else (no iat).
      expect(Object.keys(decode(payload))).toEqual(['user_id', 'initiator', 'status', 'exp']);
      const verified = jwt.verify(res.body.token, SECRET, { algorithms: ['HS256'] });
      expect(verified).toEqual({ user_id: bob.id, initiator: alice.id, status: 0, exp: res.body.expires_at });
      expect(() => jwt.verify(res.body.token, `${SECRET}-other`, { algorithms: ['HS256'] })).toThrow(/signature/);
    });

    it.each([
      ['nothing', undefined],
      ['an empty body', {}],
      ['zero', { user_id: 0 }],
      ['a negative id', { user_id: -3 }],
      ['a fraction', { user_id: 1.5 }],
      ['words', { user_id: 'bob' }],
      ['an exponent', { user_id: '1e3' }],
      ['a boolean', { user_id: true }],
      ['a list', { user_id: [2] }],
      ['an object', { user_id: { id: 2 } }],
      ['an unsafe number', { user_id: 2 ** 60 }],
    ])('answers 400 to %s', async (_what, body) => {
      const res = await dialog(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ status: 400, message: expect.stringMatching(/user_id/) });
    });

    it('answers 400 to a dialog with oneself', async () => {
      const res = await dialog({ user_id: alice.id });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/your own id/);
    });

    it('answers 403 to a blocked initiator, as /token does', async () => {
      const mallory = await createSiteUser(app.strapi, { blocked: true });
      const res = await dialog({ user_id: bob.id }, await siteUserJwt(app.strapi, mallory.id));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/blocked/);
    });

    it('answers an unknown and a blocked other user alike: 404, same body, same statements', async () => {
      const blocked = await createSiteUser(app.strapi, { blocked: true });
      const unknownId = blocked.id + 1000;
      const statements = async (userId: number) => {
        let res: Awaited<ReturnType<typeof dialog>> | undefined;
        const sql = (
          await requestStatements(app.strapi, async () => {
            res = await dialog({ user_id: userId });
          })
        ).filter((text) => /up_users|imbachat_throttle/.test(text));
        return { status: res!.status, body: res!.body, sql };
      };
      // Once a minute a request also sweeps ended throttle windows: let a first one do it, so it falls on neither side.
      await dialog({ user_id: bob.id });
      const ofBlocked = await statements(blocked.id);
      const ofUnknown = await statements(unknownId);
      expect(ofBlocked.status).toBe(404);
      expect(ofUnknown.status).toBe(404);
      expect(ofUnknown.body).toEqual(ofBlocked.body);
      expect(ofBlocked.body.error.message).toBe('No such user');
      expect(ofUnknown.sql).toEqual(ofBlocked.sql);
      expect(ofBlocked.sql.length).toBeGreaterThan(0);
    });

    describe("the site's canOpenDialog hook", () => {
      it('"default" gives status 0, "need_access" status 1, and it is told who writes to whom', async () => {
        const calls: unknown[][] = [];
        setHook(async (dialogArgs: unknown, context: { strapi: unknown }) => {
          calls.push([dialogArgs, context.strapi === app.strapi]);
          return (dialogArgs as { user_id: number }).user_id === bob.id ? 'need_access' : 'default';
        });
        const needAccess = await dialog({ user_id: bob.id });
        expect(needAccess.status).toBe(200);
        expect(needAccess.body.status).toBe(1);
        expect(jwt.verify(needAccess.body.token, SECRET)).toMatchObject({ status: 1, user_id: bob.id, initiator: alice.id });
        const carol = await createSiteUser(app.strapi);
        const open = await dialog({ user_id: carol.id });
        expect(open.body.status).toBe(0);
        expect(calls).toEqual([
          [{ initiator: alice.id, user_id: bob.id }, true],
          [{ initiator: alice.id, user_id: carol.id }, true],
        ]);
      });

      it('false refuses with 403 and a message', async () => {
        setHook(() => false);
        const res = await dialog({ user_id: bob.id });
        expect(res.status).toBe(403);
        expect(res.body.error).toMatchObject({ status: 403, message: 'You cannot write to this user' });
        expect(res.body).not.toHaveProperty('token');
      });

      it('is not asked about an unknown or blocked user', async () => {
        const asked: unknown[] = [];
        setHook((args: unknown) => {
          asked.push(args);
          return 'default';
        });
        expect((await dialog({ user_id: 999_999 })).status).toBe(404);
        expect(asked).toEqual([]);
      });

      it('a hook that throws refuses, logged in one line without the secret or a token', async () => {
        const read = logFromNow(app);
        setHook(() => {
          throw new Error('friends service is down');
        });
        const res = await dialog({ user_id: bob.id });
        expect(res.status).toBe(403);
        const log = await logged(read, 'canOpenDialog failed');
        const lines = log.split('\n').filter((line) => line.includes('canOpenDialog'));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/canOpenDialog failed: friends service is down; the dialog was refused/);
        expect(log).not.toContain(SECRET);
        expect(log).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
      });

      it('a hook that takes longer than canOpenDialogTimeoutMs refuses, logged', async () => {
        app.strapi.config.set('plugin::imbachat.canOpenDialogTimeoutMs', 150);
        const read = logFromNow(app);
        setHook(() => new Promise((resolve) => setTimeout(() => resolve('default'), 1500)));
        const started = Date.now();
        const res = await dialog({ user_id: bob.id });
        expect(res.status).toBe(403);
        expect(Date.now() - started).toBeLessThan(1200);
        expect(await logged(read, 'canOpenDialog took longer')).toMatch(/canOpenDialog took longer than 150 ms; the dialog was refused/);
      });

      it.each([
        ['another string', 'default please', 'another string'],
        ['a number', 1, 'number'],
        ['true', true, 'boolean'],
        ['null', null, 'null'],
        ['nothing', undefined, 'undefined'],
        ['a list', ['default'], 'an array'],
        ['an object', { status: 'default' }, 'object'],
      ])('a hook answering %s refuses, logged by the kind of answer, never its content', async (_what, answer, kind) => {
        const read = logFromNow(app);
        setHook(async () => answer);
        const res = await dialog({ user_id: bob.id });
        expect(res.status).toBe(403);
        const log = await logged(read, 'canOpenDialog answered');
        expect(log).toContain(`canOpenDialog answered ${kind} instead of "default", "need_access" or false`);
        expect(log).not.toContain('default please');
      });
    });

    it('gives one user at most dialogTokens.max tokens per window (429 with Retry-After); others keep theirs', async () => {
      app.strapi.config.set('plugin::imbachat.dialogTokens', { max: 3, windowSeconds: 60 });
      const dora = await createSiteUser(app.strapi);
      const doraJwt = await siteUserJwt(app.strapi, dora.id);
      for (let i = 0; i < 3; i += 1) expect((await dialog({ user_id: bob.id }, doraJwt)).status).toBe(200);
      const refused = await dialog({ user_id: bob.id }, doraJwt);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.body.error.message).toMatch(/Too many dialog tokens/);
      // Counted in the plugin's shared table (on the database's clock), so every instance sees the same budget.
      const rows = await app.strapi.db.connection('imbachat_throttle').count({ count: '*' });
      expect(Number(rows[0].count)).toBeGreaterThan(0);
      const erin = await createSiteUser(app.strapi);
      expect((await dialog({ user_id: bob.id }, await siteUserJwt(app.strapi, erin.id))).status).toBe(200);
    });
  });
});
