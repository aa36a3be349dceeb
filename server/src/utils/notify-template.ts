import { NOTIFY_PLACEHOLDERS, type Settings } from '../../../contract';

export type NotifyValues = Record<(typeof NOTIFY_PLACEHOLDERS)[number], string>;

export interface NotifyEmail {
  subject: string;
  text: string;
  html: string;
}

/** Longest subject sent: mail clients cut long ones anyway, and a header line has limits. */
export const SUBJECT_MAX_LENGTH = 250;

const PLACEHOLDER = new RegExp(`\\{(${NOTIFY_PLACEHOLDERS.join('|')})\\}`, 'g');

/**
 * Control and Unicode format characters (categories Cc and Cf: bidirectional overrides, zero-width
 * spaces, …) have no place in a mail's words: they could make "Invoice\u202Egnp.exe" read as
 * "Invoiceexe.png". Line breaks are the one control kept, in the text only.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
const INVISIBLE_BUT_LINE_BREAKS = /(?!\n)[\p{Cc}\p{Cf}]/gu;

/** Text as a mail may carry it: CRLF and CR as LF, tabs as spaces, nothing invisible but line breaks. */
const visible = (value: string) => value.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(INVISIBLE_BUT_LINE_BREAKS, '');

/** A template without a site address leaves out its lines that name one: no "Reply on " with nothing after it. */
const withoutSiteUrlLines = (template: string) =>
  template
    .split('\n')
    .filter((line) => !line.includes('{siteUrl}'))
    .join('\n');

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);

/**
 * Each placeholder replaced in one pass: a value that holds "{body}" stays as it is. Text the
 * template names none of is left alone, so an unknown `{word}` reads as written.
 */
const fill = (template: string, value: (key: keyof NotifyValues) => string) =>
  template.replace(PLACEHOLDER, (_, key: keyof NotifyValues) => value(key));

/** Cut by characters, not UTF-16 units. */
const cut = (value: string, max: number) => (value.length <= max ? value : Array.from(value).slice(0, max).join(''));

/**
 * The notification email from the settings' templates: the plain text as the admin wrote it,
 * a one-line subject (no CR/LF can reach a header), and an HTML version in which everything, the
 * template's own words included, is escaped; line breaks become <br>, blank lines paragraphs,
 * and `{siteUrl}` a link. No part carries a control or format character. Without a site address
 * (`siteUrl` empty), the text leaves out the lines that name `{siteUrl}` and the subject drops it.
 */
export const notificationEmail = (
  templates: Pick<Settings, 'notifySubject' | 'notifyText'>,
  given: NotifyValues
): NotifyEmail => {
  const values = Object.fromEntries(Object.entries(given).map(([key, value]) => [key, visible(value)])) as NotifyValues;

  const subject = cut(
    fill(templates.notifySubject, (key) => values[key])
      .replace(/[\s\u2028\u2029]+/g, ' ')
      .replace(INVISIBLE, '')
      .replace(/ {2,}/g, ' ')
      .trim(),
    SUBJECT_MAX_LENGTH
  );
  const written = visible(templates.notifyText);
  const template = values.siteUrl === '' ? withoutSiteUrlLines(written) : written;
  const text = fill(template, (key) => values[key]);

  // The template is escaped piece by piece around its placeholders, so no value is read as markup.
  const parts = template.split(PLACEHOLDER);
  let escaped = '';
  for (let i = 0; i < parts.length; i += 1) {
    if (i % 2 === 0) escaped += escapeHtml(parts[i]);
    else if (parts[i] === 'siteUrl') escaped += `<a href="${escapeHtml(values.siteUrl)}">${escapeHtml(values.siteUrl)}</a>`;
    else escaped += escapeHtml(values[parts[i] as keyof NotifyValues]);
  }
  const html = escaped
    .trim()
    .split(/\n[ \t]*\n\s*/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');

  return { subject, text, html };
};
