import { DEFAULT_SETTINGS, type ApiTestResult, type PublicSettings, type StatusResponse } from '../../contract';
import { formCredentials, verdictOf } from '../../admin/src/utils/api-test';
import { toFormValues, toUpdate } from '../../admin/src/utils/form-values';
import { relativeTime, within } from '../../admin/src/utils/relative-time';
import { CALLED_WITHIN_SECONDS, setupChecklist } from '../../admin/src/utils/setup-checklist';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

const { apiPassword, secretKey, ...publicDefaults } = DEFAULT_SETTINGS;
const settings = (over: Partial<PublicSettings> = {}): PublicSettings => ({
  ...publicDefaults,
  apiPasswordSet: false,
  secretKeySet: false,
  unreadableSecrets: [],
  apiPasswordShort: false,
  locked: [],
  ...over,
});
const configured = settings({ widgetId: 'w', apiLogin: 'chat', apiPasswordSet: true, secretKeySet: true });
const reachable = { url: 'https://chat.example.com', reachable: true, problems: [] };
const status = (over: Partial<StatusResponse['data']> = {}): StatusResponse['data'] => ({
  routes: [],
  lockouts: [],
  lastTest: null,
  publicUrl: reachable,
  now: new Date(NOW).toISOString(),
  ...over,
});
const call = (secondsAgo: number, code = 200) => ({ at: ago(secondsAgo), status: code, ip: '203.0.113.7' });

describe('relative times, as the status shows them', () => {
  it('takes the largest unit that fits, in whole units, negative in the past', () => {
    expect(relativeTime(ago(3), NOW)).toEqual({ value: 0, unit: 'second' });
    expect(relativeTime(ago(42), NOW)).toEqual({ value: -42, unit: 'second' });
    expect(relativeTime(ago(150), NOW)).toEqual({ value: -2, unit: 'minute' });
    expect(relativeTime(ago(3 * 3600 + 59 * 60), NOW)).toEqual({ value: -3, unit: 'hour' });
    expect(relativeTime(ago(2 * 86400), NOW)).toEqual({ value: -2, unit: 'day' });
    expect(relativeTime(new Date(NOW + 14 * 60_000 + 30_000).toISOString(), NOW)).toEqual({ value: 14, unit: 'minute' });
  });

  it('says whether a time is within a span before now', () => {
    expect(within(ago(60), 3600, NOW)).toBe(true);
    expect(within(ago(3601), 3600, NOW)).toBe(false);
    expect(within(null, 3600, NOW)).toBe(false);
  });
});

describe('the setup checklist', () => {
  const done = (items: ReturnType<typeof setupChecklist>) => items.map((item) => [item.id, item.done]);

  it('has nothing done on a fresh site', () => {
    const loopback = { url: 'http://127.0.0.1:1337', reachable: false, problems: ['not-set' as const, 'http' as const, 'loopback' as const] };
    expect(done(setupChecklist(settings(), loopback, status({ publicUrl: loopback }), NOW))).toEqual([
      ['cabinet', false],
      ['public-url', false],
      ['test-api', false],
      ['chat-server', false],
    ]);
  });

  it('names the cabinet values still missing; an unreadable secret counts as missing', () => {
    const [cabinet] = setupChecklist(settings({ widgetId: 'w', apiPasswordSet: true, unreadableSecrets: ['apiPassword'] }), reachable, status(), NOW);
    expect(cabinet).toEqual({ id: 'cabinet', done: false, missing: ['apiLogin', 'apiPassword', 'secretKey'] });
  });

  it('is all done with the values, a reachable address, a passed test and a chat-server call within a day', () => {
    const routes = [{ route: 'usersInfo' as const, lastCall: call(60), lastSuccess: call(60), lastFailure: null }];
    const items = setupChecklist(configured, reachable, status({ routes, lastTest: { at: ago(30), ok: true, status: 200 } }), NOW);
    expect(done(items)).toEqual([
      ['cabinet', true],
      ['public-url', true],
      ['test-api', true],
      ['chat-server', true],
    ]);
  });

  it('does not count a failed test, a call older than a day, or a call to the version URL, which anyone may open', () => {
    const routes = [
      { route: 'search' as const, lastCall: call(CALLED_WITHIN_SECONDS + 60), lastSuccess: call(CALLED_WITHIN_SECONDS + 60), lastFailure: null },
      { route: 'version' as const, lastCall: call(10), lastSuccess: call(10), lastFailure: null },
    ];
    const [, , test, chatServer] = setupChecklist(configured, reachable, status({ routes, lastTest: { at: ago(30), ok: false, status: 401 } }), NOW);
    expect(test.done).toBe(false);
    expect(chatServer).toEqual({ id: 'chat-server', done: false, lastSuccess: ago(CALLED_WITHIN_SECONDS + 60) });
  });

  it('leaves what only the status knows unknown while it cannot be had, the public URL coming from the settings', () => {
    expect(done(setupChecklist(configured, reachable, null, NOW))).toEqual([
      ['cabinet', true],
      ['public-url', true],
      ['test-api', null],
      ['chat-server', null],
    ]);
    expect(setupChecklist(configured, undefined, null, NOW)[1].done).toBeNull();
  });
});

describe('Test API on what the form holds', () => {
  const initial = toFormValues(configured, ['widgetId', 'apiLogin', 'apiPassword', 'secretKey']);

  it('sends nothing of the form while the login and password are as saved', () => {
    expect(formCredentials(initial, initial)).toEqual({});
    expect(formCredentials({ ...initial, widgetId: 'other' }, initial)).toEqual({});
  });

  it('sends the typed password with the form\'s login, and a changed login alone', () => {
    expect(formCredentials({ ...initial, apiPassword: 'typed' }, initial)).toEqual({ apiLogin: 'chat', apiPassword: 'typed' });
    expect(formCredentials({ ...initial, apiLogin: 'other' }, initial)).toEqual({ apiLogin: 'other' });
    // A password marked for removal is not one to test with: the saved one is tested.
    expect(formCredentials({ ...initial, apiPassword: null }, initial)).toEqual({});
  });

  const result = (over: Partial<ApiTestResult>): ApiTestResult => ({ ok: false, status: 0, url: 'https://x/users', durationMs: 5, body: null, ...over });

  it('reads the answer as an admin would say it', () => {
    expect(verdictOf(result({ ok: true, status: 200, body: [{ user_id: 1, name: 'Alice' }] }))).toEqual({ kind: 'ok', users: [{ user_id: 1, name: 'Alice' }] });
    expect(verdictOf(result({ ok: true, status: 200, body: [] }))).toEqual({ kind: 'none-found' });
    expect(verdictOf(result({ status: 401, credentials: 'saved' }))).toEqual({ kind: 'refused' });
    expect(verdictOf(result({ status: 401, credentials: 'form' }))).toEqual({ kind: 'refused-unsaved' });
    expect(verdictOf(result({ status: 429 }))).toEqual({ kind: 'locked-out' });
    expect(verdictOf(result({ status: 503 }))).toEqual({ kind: 'unconfigured' });
    expect(verdictOf(result({ status: 0, body: { error: 'Not sent: plain http' } }))).toEqual({ kind: 'unreachable', reason: 'Not sent: plain http' });
    expect(verdictOf(result({ status: 302, body: { error: 'redirected' } }))).toEqual({ kind: 'unreachable', reason: 'redirected' });
    expect(verdictOf(result({ status: 500, body: 'oops' }))).toEqual({ kind: 'status', status: 500 });
  });
});

describe('a page\'s form', () => {
  it('holds only the page\'s settings, secrets empty, and saves only those', () => {
    const values = toFormValues(configured, ['apiLogin', 'apiPassword', 'guests']);
    expect(values).toEqual({ apiLogin: 'chat', apiPassword: '', guests: true });
    expect(toUpdate({ ...values, apiLogin: 'other', apiPassword: 'new-password' }, values, [])).toEqual({ apiLogin: 'other', apiPassword: 'new-password' });
  });
});
