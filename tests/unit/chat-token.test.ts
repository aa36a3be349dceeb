import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import fc from 'fast-check';
import chatTokenService, { signChatToken, widgetInfo } from '../../server/src/services/chat-token';
import { DEFAULT_SETTINGS } from '../../contract';

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');
const settings = { ...DEFAULT_SETTINGS, widgetId: 'w-42', secretKey: 'a-very-secret-key', tokenTtlSeconds: 600 };

describe('chat token', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const grant = chatTokenService().issue(17, settings, now);
  const [header, payload, signature] = grant.token.split('.');

  it('has the header ImbaChat expects', () => {
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('carries exactly {exp, user_id}', () => {
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ exp: now / 1000 + 600, user_id: 17 });
    expect(grant.expires_at).toBe(now / 1000 + 600);
    expect(grant.user_id).toBe(17);
  });

  it('is signed with HMAC-SHA256 of the secret key over header.payload', () => {
    const expected = base64url(createHmac('sha256', settings.secretKey).update(`${header}.${payload}`).digest());
    expect(signature).toBe(expected);
  });

  it('verifies with the secret key and with no other key', () => {
    const verify = (key: string) => jwt.verify(grant.token, key, { algorithms: ['HS256'], clockTimestamp: now / 1000 });
    expect(verify(settings.secretKey)).toEqual({ exp: now / 1000 + 600, user_id: 17 });
    expect(() => verify('another-key')).toThrow(jwt.JsonWebTokenError);
    expect(() => verify('another-key')).toThrow(new jwt.JsonWebTokenError('invalid signature'));
    expect(() => verify(`${settings.secretKey} `)).toThrow(new jwt.JsonWebTokenError('invalid signature'));
  });

  it('answers the widget id and script URL with the token', () => {
    expect(grant.widget_id).toBe('w-42');
    expect(grant.script_url).toBe('https://api.imbachat.com/imbachat/v1/w-42/widget');
  });
});

describe('signChatToken', () => {
  it('gives the very bytes jsonwebtoken gives for {exp, user_id} with HS256 and no iat', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.string({ unit: 'grapheme', minLength: 16, maxLength: 80 }),
        (exp, userId, secret) =>
          signChatToken({ exp, user_id: userId }, secret) ===
          jwt.sign({ exp, user_id: userId }, secret, { algorithm: 'HS256', noTimestamp: true })
      ),
      { numRuns: 2000 }
    );
  });
});

describe('widgetInfo', () => {
  it('fills every {widgetId} in the template', () => {
    expect(widgetInfo({ widgetId: 'abc', widgetScriptUrl: 'https://cdn.test/{widgetId}/w.js?id={widgetId}', widgetOptions: { theme: 'dark' } })).toEqual({
      widget_id: 'abc',
      script_url: 'https://cdn.test/abc/w.js?id=abc',
      options: { theme: 'dark' },
    });
  });
});
