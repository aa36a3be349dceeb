import { adminToken, createAdmin, superAdminRoleId } from '../helpers/admin';
import { restoreAfterEach } from '../helpers/restore';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { startStrapi, type TestApp } from '../helpers/strapi';

// Issue #20: "Send a test email" on the Notifications page, POST /imbachat/settings/test-email
// (update permission), through Strapi's email plugin configured to a real SMTP server on 127.0.0.1
// (the playground's config/plugins uses nodemailer when SMTP_HOST is set).
const SITE_URL = 'https://site.example.test';

let app: TestApp;
let smtp: TestSmtp;

/** A super admin of the test's own: one test email per admin per 10 s. */
const freshAdmin = async () => {
  const email = await createAdmin(app.strapi, [await superAdminRoleId(app.strapi)]);
  return { email, token: await adminToken(app, email) };
};
const sendTest = (token: string) => app.http().post('/imbachat/settings/test-email').set('Authorization', `Bearer ${token}`).send({});

beforeAll(async () => {
  smtp = await startSmtp();
  app = await startStrapi({ env: { ...smtp.env, PUBLIC_URL: SITE_URL } });
});
afterAll(async () => {
  await app?.close();
  await smtp?.stop();
});
restoreAfterEach(() => app);
afterEach(() => {
  smtp.refuseRecipients = null;
  smtp.refuseOnly = null;
});

describe('POST /imbachat/settings/test-email', () => {
  it('emails the signed-in admin\'s own address through Strapi\'s email provider, and says which', async () => {
    const admin = await freshAdmin();
    const before = smtp.received.length;
    // Whatever the body names, the address is the admin's own.
    const res = await app.http().post('/imbachat/settings/test-email').set('Authorization', `Bearer ${admin.token}`).send({ to: 'someone@else.test' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { ok: true, to: admin.email, provider: 'nodemailer' } });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail.envelopeTo).toEqual([admin.email]);
    expect(mail.mail.subject).toBe('ImbaChat: test email');
    expect(mail.mail.text).toContain('Hello Test,');
    expect(mail.mail.text).toContain('test email from the ImbaChat plugin');
    expect(mail.mail.text).toContain(SITE_URL);
    expect(mail.mail.html).toContain(`<a href="${SITE_URL}">`);
    expect(smtp.received.some((message) => message.envelopeTo.includes('someone@else.test'))).toBe(false);
  });

  it('sends at most one per admin in 10 s: 429 with Retry-After, nothing sent', async () => {
    const admin = await freshAdmin();
    expect((await sendTest(admin.token)).body.data.ok).toBe(true);
    const count = smtp.received.length;
    const again = await sendTest(admin.token);
    expect(again.status).toBe(429);
    expect(again.body.error.name).toBe('RateLimitError');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(again.headers['retry-after'])).toBeLessThanOrEqual(10);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.length).toBe(count);
    // Another admin is not held back.
    expect((await sendTest((await freshAdmin()).token)).body.data.ok).toBe(true);
  });

  it('answers ok:false with the provider\'s reason when the mail server refuses, no address in it', async () => {
    const admin = await freshAdmin();
    smtp.refuseRecipients = 'Mailbox unavailable';
    const res = await sendTest(admin.token);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ ok: false, to: admin.email, provider: 'nodemailer', error: expect.stringContaining('550') });
    expect(res.body.data.error).toContain('Mailbox unavailable');
    expect(res.body.data.error).not.toContain(admin.email);
  });

  it('answers ok:false when the mail server cannot be reached', async () => {
    const admin = await freshAdmin();
    await smtp.stop();
    try {
      const res = await sendTest(admin.token);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ ok: false, to: admin.email, provider: 'nodemailer', error: expect.stringMatching(/ECONNREFUSED|connect/i) });
    } finally {
      await smtp.start();
    }
  });

  it('answers 401 without an admin token', async () => {
    expect((await app.http().post('/imbachat/settings/test-email')).status).toBe(401);
  });
});

describe('GET /imbachat/settings meta.emailProvider', () => {
  it('names Strapi\'s email provider in use', async () => {
    const admin = await freshAdmin();
    const res = await app.http().get('/imbachat/settings').set('Authorization', `Bearer ${admin.token}`);
    expect(res.body.meta.emailProvider).toBe('nodemailer');
  });
});
