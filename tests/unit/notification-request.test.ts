import { errors } from '@strapi/utils';
import { parseNotificationRequest } from '../../server/src/validation/notification-request';

const refused = (input: Record<string, unknown>) => {
  try {
    parseNotificationRequest(input);
  } catch (error) {
    expect(error).toBeInstanceOf(errors.ValidationError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('parseNotificationRequest', () => {
  it('reads the reference\'s fields: title, body and email_to', () => {
    expect(parseNotificationRequest({ title: 'Hi', body: 'There', email_to: ' Alice@Example.com ' })).toEqual({
      emailTo: 'Alice@Example.com',
      message: { title: 'Hi', body: 'There' },
    });
  });

  it('takes user_id as a number or as the digits a form sends', () => {
    expect(parseNotificationRequest({ title: 'Hi', user_id: 7 })).toEqual({ userId: 7, message: { title: 'Hi', body: '' } });
    expect(parseNotificationRequest({ body: 'x', user_id: '42' })).toEqual({ userId: 42, message: { title: '', body: 'x' } });
  });

  it('drops NUL from the title and body (PostgreSQL cannot store it; the outbox must)', () => {
    expect(parseNotificationRequest({ title: 'H\u0000i', body: '\u0000x', user_id: 1 })).toEqual({ userId: 1, message: { title: 'Hi', body: 'x' } });
    expect(refused({ title: '\u0000', user_id: 1 })).toBe('title or body is required');
  });

  it('wants exactly one recipient', () => {
    expect(refused({ title: 'Hi' })).toBe('Send exactly one of user_id and email_to');
    expect(refused({ title: 'Hi', user_id: 1, email_to: 'a@example.com' })).toBe('Send exactly one of user_id and email_to');
    expect(refused({ title: 'Hi', user_id: '', email_to: '' })).toBe('Send exactly one of user_id and email_to');
  });

  it('wants a title or a body', () => {
    expect(refused({ user_id: 1 })).toBe('title or body is required');
    expect(refused({ user_id: 1, title: '  ', body: '\n' })).toBe('title or body is required');
  });

  it.each([0, -1, 1.5, '1e3', 'abc', '12345678901234567890'])('refuses the user_id %p', (userId) => {
    expect(refused({ title: 'Hi', user_id: userId })).toMatch(/user_id/);
  });

  it.each(['nobody', 'a@b@c', 'a b@example.com', 'a@example.com,b@example.com', 'A <a@example.com>', 'a@example.com\r\nBcc: b@example.com', `${'a'.repeat(250)}@example.com`])(
    'refuses the email_to %p',
    (address) => {
      expect(refused({ title: 'Hi', email_to: address })).toMatch(/email_to/);
    }
  );

  it('counts characters, not UTF-16 units', () => {
    expect(parseNotificationRequest({ title: '😀'.repeat(200), user_id: 1 }).message.title).toHaveLength(400);
    expect(refused({ title: '😀'.repeat(201), user_id: 1 })).toBe('title is longer than 200 characters');
    expect(refused({ body: 'x'.repeat(5001), user_id: 1 })).toBe('body is longer than 5000 characters');
  });

  it('refuses lists and objects where one string belongs', () => {
    expect(refused({ title: ['a', 'b'], user_id: 1 })).toBe('title must be a single string');
    expect(refused({ title: 'Hi', user_id: [1, 2] })).toBe('user_id must be a single string');
    expect(refused({ title: 'Hi', email_to: { a: 1 } })).toBe('email_to must be a single string');
  });
});
