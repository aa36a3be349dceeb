import { errors } from '@strapi/utils';
import { firstPresent, optionalString } from './request-input';

const NOTIFY_TITLE_MAX_LENGTH = 200;
const NOTIFY_BODY_MAX_LENGTH = 5000;
/** The longest address SMTP carries (RFC 5321's path limit less its brackets). */
const EMAIL_MAX_LENGTH = 254;

/** One address, nothing a mail header could read as a list or a display name. */
const EMAIL = /^[^\s@,;<>()"'\\[\]]+@[^\s@,;<>()"'\\[\]]+$/;
const DIGITS = /^\d{1,19}$/;

export interface NotificationMessage {
  title: string;
  body: string;
}

/** Who to notify: a site user's id, or an address that may be a site user's. */
export type NotificationRequest =
  | { userId: number; message: NotificationMessage }
  | { emailTo: string; message: NotificationMessage };

/** A text field of at most `max` characters (not UTF-16 units), '' when absent; NUL dropped (PostgreSQL's text cannot hold it). */
const textField = (value: unknown, name: string, max: number): string => {
  const text = (optionalString(value, name, Number.MAX_SAFE_INTEGER) ?? '').replace(/\u0000/g, '');
  // Two UTF-16 units at most per character: the cheap checks first.
  if (text.length > max && (text.length > max * 2 || Array.from(text).length > max)) {
    throw new errors.ValidationError(`${name} is longer than ${max} characters`);
  }
  return text;
};

/** Whether an address looks like one mailbox (the plugin only ever mails a site user's stored address). */
export const isMailbox = (value: string): boolean => value.length <= EMAIL_MAX_LENGTH && EMAIL.test(value);

/**
 * The body of `POST /v1/notifications` (JSON or form), read once at the edge: `title` and `body`
 * (the reference's fields; at least one of them), and exactly one of `user_id` (a positive whole
 * number) or `email_to` (an address).
 */
export const parseNotificationRequest = (input: Record<string, unknown>): NotificationRequest => {
  const title = textField(input.title, 'title', NOTIFY_TITLE_MAX_LENGTH);
  const body = textField(input.body, 'body', NOTIFY_BODY_MAX_LENGTH);
  if (title.trim() === '' && body.trim() === '') throw new errors.ValidationError('title or body is required');
  const message = { title, body };

  const userId = optionalString(firstPresent(input, ['user_id']), 'user_id', 30)?.trim();
  const emailTo = optionalString(firstPresent(input, ['email_to']), 'email_to', EMAIL_MAX_LENGTH * 2)?.trim();
  const hasUserId = userId !== undefined && userId !== '';
  const hasEmail = emailTo !== undefined && emailTo !== '';
  if (hasUserId === hasEmail) throw new errors.ValidationError('Send exactly one of user_id and email_to');

  if (hasUserId) {
    if (!DIGITS.test(userId) || Number(userId) < 1) throw new errors.ValidationError('user_id must be a positive whole number');
    return { userId: Number(userId), message };
  }
  if (!isMailbox(emailTo as string)) throw new errors.ValidationError('email_to must be an email address');
  return { emailTo: emailTo as string, message };
};
