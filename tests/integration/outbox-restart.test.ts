import path from 'node:path';
import request from 'supertest';
import { startSecondInstance, type SecondInstance } from '../helpers/instance';
import { startSilentSmtp, startSmtp, type TestSmtp } from '../helpers/smtp';
import { basic, configure, insertSiteUsers, startStrapi, type TestApp } from '../helpers/strapi';

// The outbox across a stop and a crash (#19): what was answered `accepted` is emailed after either.
// Each test boots a site of its own (Strapi keeps one instance per process, so one at a time here).
const LOGIN = 'chat';
const PASSWORD = 'outbox-restart-password-1';
const AUTH = basic(LOGIN, PASSWORD);
const OUTBOX_TABLE = 'imbachat_outbox';

type Outbox = { drain(): Promise<void>; idle(timeoutMs?: number): Promise<void> };
const outbox = (site: TestApp) => site.strapi.plugin('imbachat').service('outbox') as Outbox;
const rows = (site: TestApp) => site.strapi.db.connection(OUTBOX_TABLE).select('*');
/** As if the rows' time had come (their back-off, or a dead instance's lease, ran out). */
const makeDue = (site: TestApp) => site.strapi.db.connection(OUTBOX_TABLE).update({ next_at: 0, lease_until: 0 });
const ok = (data: object) => ({ code: 200, version: 1, data });

let smtp: TestSmtp;
let site: TestApp | undefined;
let child: SecondInstance | undefined;

/**
 * A site of its own with notifications on, and a user to notify. The user is written through the
 * query engine: the document service's own event for a new user runs after its answer, and would
 * meet the site closing under it.
 */
const startSite = async (username: string) => {
  site = await startStrapi({ env: smtp.env });
  await configure(site.strapi, { apiLogin: LOGIN, apiPassword: PASSWORD, notifyByEmail: true });
  const [id] = await insertSiteUsers(site.strapi, 1, username);
  return { id, email: `${username}0@example.test` };
};
const mailsTo = (address: string) => smtp.received.filter((message) => message.envelopeTo.includes(address));

beforeAll(async () => {
  smtp = await startSmtp();
});
afterEach(async () => {
  child?.process.kill('SIGKILL');
  child = undefined;
  await site?.close();
  site = undefined;
});
afterAll(async () => {
  await smtp?.stop();
});

it('loses nothing to a restart: what was accepted and not yet sent goes out after it', async () => {
  const user = await startSite('restartrex');
  await smtp.stop();
  try {
    const res = await site!.http().post('/api/imbachat/v1/notifications').set('Authorization', AUTH).send({ email_to: user.email, title: 'Before the restart' });
    expect(res.body).toEqual(ok({ accepted: true }));
    await outbox(site!).idle();
  } finally {
    await smtp.start();
  }
  await site!.close({ keepData: true });
  site = await startStrapi({ reuse: site, env: smtp.env });
  expect(await rows(site)).toHaveLength(1);
  await makeDue(site);
  await outbox(site).drain();
  await outbox(site).idle();
  expect(mailsTo(user.email)).toHaveLength(1);
  expect(mailsTo(user.email)[0].mail.subject).toContain('Before the restart');
  expect(await rows(site)).toHaveLength(0);
});

it('loses nothing to kill -9 mid-send: another instance sends it once the lease runs out, in the window the dead one claimed', async () => {
  const user = await startSite('crashcora');
  // SQLite takes one process at a time well: this instance steps aside while the other one runs.
  const sqlite = site!.strapi.db.dialect.client === 'sqlite';
  if (sqlite) await site!.close({ keepData: true });
  // The other instance's mail server takes the connection and never answers: it is mid-send when killed.
  const silent = await startSilentSmtp();
  try {
    child = await startSecondInstance({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(silent.port), DATABASE_FILENAME: path.join(site!.dir, 'data.db') });
    const res = await request(child.url).post('/api/imbachat/v1/notifications').set('Authorization', AUTH).send({ email_to: user.email, title: 'Before the crash' });
    expect(res.body).toEqual(ok({ accepted: true }));
    // Killed once it is mid-send: it has claimed the user's window by then.
    await silent.connected;
    const exited = new Promise((resolve) => child!.process.once('exit', resolve));
    child.process.kill('SIGKILL');
    await exited;
    child = undefined;
  } finally {
    await silent.stop();
  }
  if (sqlite) site = await startStrapi({ reuse: site, env: smtp.env });
  const [row] = await rows(site!);
  expect(row).toMatchObject({ email_to: user.email });
  // The window was claimed with the row: whoever takes it over sends in that window.
  expect(row.window_sent_at).not.toBeNull();
  // Leased to the dead instance: nobody else takes it before its lease runs out.
  await outbox(site!).drain();
  expect(await rows(site!)).toHaveLength(1);
  await makeDue(site!);
  await outbox(site!).drain();
  await outbox(site!).idle();
  expect(mailsTo(user.email)).toHaveLength(1);
  expect(mailsTo(user.email)[0].mail.subject).toContain('Before the crash');
  expect(await rows(site!)).toHaveLength(0);
});
