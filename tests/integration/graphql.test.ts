import jwt from 'jsonwebtoken';
import type { Response } from 'supertest';
import { restoreAfterEach } from '../helpers/restore';
import { configure, createSiteUser, createSiteUsers, expectNoSecretsIn, siteUserJwt, startStrapi, type TestApp } from '../helpers/strapi';

// The playground runs with @strapi/plugin-graphql on (PLAYGROUND_GRAPHQL unset): POST /graphql.
const SECRET = 'graphql-secret-key-1';
const HOOK = 'plugin::imbachat.canOpenDialog';

let app: TestApp;
let alice: { id: number };
let bob: { id: number };
let aliceJwt: string;

/** `bearer` null: no Authorization header at all. */
const graphql = (query: string, variables: Record<string, unknown> = {}, bearer: string | null = aliceJwt) => {
  const req = app.http().post('/graphql').send({ query, variables });
  return bearer ? req.set('Authorization', `Bearer ${bearer}`) : req;
};
const rest = (method: 'get' | 'post', path: string, bearer: string | null = aliceJwt, body?: object) => {
  const req = app.http()[method](`/api/imbachat${path}`);
  if (bearer) req.set('Authorization', `Bearer ${bearer}`);
  return body ? req.send(body) : req;
};

const TOKEN = '{ imbachatToken { token userId expiresAt widgetId scriptUrl options } }';
const WIDGET = '{ imbachatWidget { guests widgetId scriptUrl options } }';
const DIALOG = 'mutation Dialog($userId: ID!) { imbachatDialog(userId: $userId) { token userId status expiresAt } }';

/** Strapi's GraphQL codes for the statuses REST answers. */
const CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'FORBIDDEN',
  403: 'FORBIDDEN',
  404: 'STRAPI_NOT_FOUND_ERROR',
  429: 'STRAPI_RATE_LIMIT_ERROR',
  503: 'STRAPI_SERVICE_UNAVAILABLE_ERROR',
};

/** The GraphQL answer refuses `field` exactly as REST refused: message, name, details, and the status beside them. */
const expectSameRefusal = (answer: Response, field: string, restAnswer: Response) => {
  expect(restAnswer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBe(200);
  expect(answer.body.data).toEqual({ [field]: null });
  expect(answer.body.errors).toHaveLength(1);
  const [error] = answer.body.errors;
  expect(error.message).toBe(restAnswer.body.error.message);
  expect(error.path).toEqual([field]);
  expect(error.extensions.code).toBe(CODES[restAnswer.status]);
  expect({ status: error.extensions.status, ...error.extensions.error }).toEqual(restAnswer.body.error);
};

beforeAll(async () => {
  app = await startStrapi();
  [alice, bob] = await createSiteUsers(app.strapi, ['graphql-alice', 'graphql-bob']);
  aliceJwt = await siteUserJwt(app.strapi, alice.id);
});
// The secret is never in an answer or the log, GraphQL's included.
afterAll(async () => {
  try {
    expectNoSecretsIn(app, [SECRET]);
  } finally {
    await app?.close();
  }
});
restoreAfterEach(() => app, { config: [HOOK, 'plugin::imbachat.dialogTokens'] });

describe('the schema', () => {
  it("is the playground's: a browser at /graphql gets Apollo's sandbox", async () => {
    const res = await app.http().get('/graphql').set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('has the types SPEC names, and the fields in Query and Mutation', async () => {
    const fieldsOf = async (type: string) => {
      const res = await graphql(`{ __type(name: "${type}") { fields { name args { name type { kind ofType { name } } } } } }`);
      return res.body.data.__type.fields as { name: string; args: { name: string; type: { kind: string; ofType: { name: string } | null } }[] }[];
    };
    const names = async (type: string) => (await fieldsOf(type)).map((field) => field.name);
    expect(await names('ImbachatToken')).toEqual(['token', 'userId', 'expiresAt', 'widgetId', 'scriptUrl', 'options']);
    expect(await names('ImbachatWidget')).toEqual(['guests', 'widgetId', 'scriptUrl', 'options']);
    expect(await names('ImbachatDialog')).toEqual(['token', 'userId', 'status', 'expiresAt']);
    expect(await names('Query')).toEqual(expect.arrayContaining(['imbachatToken', 'imbachatWidget']));
    const dialog = (await fieldsOf('Mutation')).find((field) => field.name === 'imbachatDialog');
    expect(dialog?.args).toEqual([{ name: 'userId', type: { kind: 'NON_NULL', ofType: { name: 'ID' } } }]);
  });
});

describe('Query.imbachatToken', () => {
  it('refuses an anonymous visitor as GET /token does', async () => {
    await configure(app.strapi, { widgetId: 'w-g', secretKey: SECRET });
    expectSameRefusal(await graphql(TOKEN, {}, null), 'imbachatToken', await rest('get', '/token', null));
  });

  it('refuses while the secret key is not set, as GET /token does (503)', async () => {
    await configure(app.strapi, { widgetId: 'w-g', secretKey: null });
    const restAnswer = await rest('get', '/token');
    expect(restAnswer.status).toBe(503);
    expectSameRefusal(await graphql(TOKEN), 'imbachatToken', restAnswer);
  });

  it('leaves a bad JWT and a blocked user to Strapi, which refuses the whole /graphql request with a 401', async () => {
    await configure(app.strapi, { widgetId: 'w-g', secretKey: SECRET });
    const mallory = await createSiteUser(app.strapi, { blocked: true });
    for (const bearer of ['not-a-jwt', await siteUserJwt(app.strapi, mallory.id)]) {
      const answer = await graphql(TOKEN, {}, bearer);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ data: null, error: expect.objectContaining({ status: 401, name: 'UnauthorizedError' }) });
      expect([401, 403]).toContain((await rest('get', '/token', bearer)).status);
    }
  });

  describe('when configured', () => {
    beforeEach(async () => {
      await configure(app.strapi, { widgetId: 'w-g', secretKey: SECRET, tokenTtlSeconds: 900, widgetOptions: { theme: 'dark' } });
    });

    it('answers what GET /token answers, field by field, with no permission ticked and no-store', async () => {
      const restAnswer = await rest('get', '/token');
      const answer = await graphql(TOKEN);
      expect(answer.status).toBe(200);
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.body.errors).toBeUndefined();
      const token = answer.body.data.imbachatToken;
      const { token: restToken, expires_at: restExpiresAt, ...restRest } = restAnswer.body;
      expect({ userId: token.userId, widgetId: token.widgetId, scriptUrl: token.scriptUrl, options: token.options }).toEqual({
        userId: restRest.user_id,
        widgetId: restRest.widget_id,
        scriptUrl: restRest.script_url,
        options: restRest.options,
      });
      expect(Object.keys(restRest).sort()).toEqual(['options', 'script_url', 'user_id', 'widget_id']);
      // Signed a moment apart: the same second gives the same token.
      expect(token.expiresAt - restExpiresAt).toBeGreaterThanOrEqual(0);
      expect(token.expiresAt - restExpiresAt).toBeLessThanOrEqual(1);
      if (token.expiresAt === restExpiresAt) expect(token.token).toBe(restToken);
      expect(jwt.verify(token.token, SECRET, { algorithms: ['HS256'] })).toEqual({ exp: token.expiresAt, user_id: alice.id });
    });
  });
});

describe('Query.imbachatWidget', () => {
  it('refuses while no widget id is set, as GET /widget does (503)', async () => {
    const restAnswer = await rest('get', '/widget', null);
    expect(restAnswer.status).toBe(503);
    expectSameRefusal(await graphql(WIDGET, {}, null), 'imbachatWidget', restAnswer);
  });

  it('answers what GET /widget answers to anyone, with guests true', async () => {
    await configure(app.strapi, { widgetId: 'w-77', widgetOptions: { language: 'auto' } });
    const restAnswer = await rest('get', '/widget', null);
    const answer = await graphql(WIDGET, {}, null);
    expect(answer.body).toEqual({
      data: { imbachatWidget: { guests: true, widgetId: restAnswer.body.widget_id, scriptUrl: restAnswer.body.script_url, options: restAnswer.body.options } },
    });
    expect(restAnswer.body.options).toEqual({ language: 'auto' });
  });

  it('says guests false and nothing else while guest mode is off, as GET /widget does', async () => {
    await configure(app.strapi, { widgetId: 'w-9', guests: false });
    expect((await rest('get', '/widget', null)).body).toEqual({ guests: false });
    const answer = await graphql(WIDGET, {}, null);
    expect(answer.body).toEqual({ data: { imbachatWidget: { guests: false, widgetId: null, scriptUrl: null, options: null } } });
  });
});

describe('Mutation.imbachatDialog', () => {
  it('refuses an anonymous visitor, and anyone while the secret key is not set, as POST /dialog does', async () => {
    await configure(app.strapi, { widgetId: 'w-g', secretKey: SECRET });
    expectSameRefusal(await graphql(DIALOG, { userId: bob.id }, null), 'imbachatDialog', await rest('post', '/dialog', null, { user_id: bob.id }));
    await configure(app.strapi, { secretKey: null });
    const restAnswer = await rest('post', '/dialog', aliceJwt, { user_id: bob.id });
    expect(restAnswer.status).toBe(503);
    expectSameRefusal(await graphql(DIALOG, { userId: bob.id }), 'imbachatDialog', restAnswer);
  });

  describe('when configured', () => {
    beforeEach(async () => {
      await configure(app.strapi, { widgetId: 'w-g', secretKey: SECRET, tokenTtlSeconds: 900 });
    });

    it('answers what POST /dialog answers, field by field, for an id given as a number or a string', async () => {
      for (const userId of [bob.id, String(bob.id)]) {
        const restAnswer = await rest('post', '/dialog', aliceJwt, { user_id: bob.id });
        const answer = await graphql(DIALOG, { userId });
        expect(answer.status).toBe(200);
        expect(answer.headers['cache-control']).toBe('no-store');
        const dialog = answer.body.data.imbachatDialog;
        expect(Object.keys(restAnswer.body).sort()).toEqual(['expires_at', 'status', 'token', 'user_id']);
        expect({ userId: dialog.userId, status: dialog.status }).toEqual({ userId: restAnswer.body.user_id, status: restAnswer.body.status });
        expect(dialog.expiresAt - restAnswer.body.expires_at).toBeGreaterThanOrEqual(0);
        expect(dialog.expiresAt - restAnswer.body.expires_at).toBeLessThanOrEqual(1);
        if (dialog.expiresAt === restAnswer.body.expires_at) expect(dialog.token).toBe(restAnswer.body.token);
        const claims = jwt.verify(dialog.token, SECRET, { algorithms: ['HS256'] });
        expect(claims).toEqual({ user_id: bob.id, initiator: alice.id, status: 0, exp: dialog.expiresAt });
      }
    });

    it.each([
      ['oneself (400)', () => alice.id],
      ['an unknown user (404)', () => bob.id + 10_000],
      ['words (400)', () => 'bob'],
      ['zero (400)', () => '0'],
      ['an exponent (400)', () => '1e3'],
    ])('refuses %s as POST /dialog does', async (_what, userId) => {
      const restAnswer = await rest('post', '/dialog', aliceJwt, { user_id: userId() });
      expectSameRefusal(await graphql(DIALOG, { userId: userId() }), 'imbachatDialog', restAnswer);
    });

    it('leaves to GraphQL a userId it cannot read as an ID: HTTP 400 before the plugin runs', async () => {
      const literal = await graphql('mutation { imbachatDialog(userId: 1.5) { token } }');
      expect(literal.status).toBe(400);
      expect(literal.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      for (const userId of [1.5, true]) {
        const variable = await graphql(DIALOG, { userId });
        expect(variable.status).toBe(400);
        expect(variable.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
        expect(variable.body.data).toBeUndefined();
      }
    });

    it("refuses as POST /dialog does when the site's canOpenDialog hook says no (403)", async () => {
      app.strapi.config.set(HOOK, () => false);
      const restAnswer = await rest('post', '/dialog', aliceJwt, { user_id: bob.id });
      expect(restAnswer.status).toBe(403);
      expectSameRefusal(await graphql(DIALOG, { userId: bob.id }), 'imbachatDialog', restAnswer);
    });

    it('spends the same dialogTokens budget as POST /dialog; past it, 429 with Retry-After', async () => {
      app.strapi.config.set('plugin::imbachat.dialogTokens', { max: 2, windowSeconds: 60 });
      const carol = await createSiteUser(app.strapi);
      const carolJwt = await siteUserJwt(app.strapi, carol.id);
      expect((await graphql(DIALOG, { userId: bob.id }, carolJwt)).body.data.imbachatDialog).not.toBeNull();
      expect((await rest('post', '/dialog', carolJwt, { user_id: bob.id })).status).toBe(200);
      const restAnswer = await rest('post', '/dialog', carolJwt, { user_id: bob.id });
      expect(restAnswer.status).toBe(429);
      const answer = await graphql(DIALOG, { userId: bob.id }, carolJwt);
      const [error] = answer.body.errors;
      expect(answer.body.data).toEqual({ imbachatDialog: null });
      expect(error.message).toBe(restAnswer.body.error.message);
      expect(error.extensions).toMatchObject({ status: 429, code: CODES[429], error: { name: restAnswer.body.error.name } });
      // Counted a moment apart: the seconds to wait may differ by one.
      const { retryAfter } = error.extensions.error.details;
      expect(Math.abs(retryAfter - restAnswer.body.error.details.retryAfter)).toBeLessThanOrEqual(1);
      expect(restAnswer.headers['retry-after']).toBe(String(restAnswer.body.error.details.retryAfter));
      expect(answer.headers['retry-after']).toBe(String(retryAfter));
    });
  });
});
