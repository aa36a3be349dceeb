import { DEFAULT_SETTINGS } from '../../contract';
import { SUBJECT_MAX_LENGTH, escapeHtml, notificationEmail, type NotifyValues } from '../../server/src/utils/notify-template';

const VALUES: NotifyValues = { name: 'Alice', title: 'New message', body: 'Hello there', siteUrl: 'https://example.com' };
const email = (notifySubject: string, notifyText: string, values: Partial<NotifyValues> = {}) =>
  notificationEmail({ notifySubject, notifyText }, { ...VALUES, ...values });

describe('notificationEmail', () => {
  it('fills the default templates', () => {
    const { subject, text } = notificationEmail(DEFAULT_SETTINGS, VALUES);
    expect(subject).toBe('New message: New message');
    expect(text).toBe('Hello Alice,\n\nYou have a new message while you were away:\n\nNew message\nHello there\n\nReply on https://example.com');
  });

  it('replaces every placeholder, each time it appears, and leaves other braces alone', () => {
    const { text } = email('s', '{name} {name} {title} {body} {siteUrl} {other} {Name}');
    expect(text).toBe('Alice Alice New message Hello there https://example.com {other} {Name}');
  });

  it('replaces in one pass: a value naming a placeholder stays as written', () => {
    const { text, subject } = email('{title}', '{title} / {body}', { title: '{body}', body: '{name}' });
    expect(text).toBe('{body} / {name}');
    expect(subject).toBe('{body}');
  });

  it('escapes every value and the template\'s own words in the HTML version', () => {
    const { html } = email('s', 'Dear <{name}> & co:\n{title}\n\n{body}', {
      name: '"Bob" <b>',
      title: '<script>alert(1)</script>',
      body: "it's <img src=x onerror=alert(1)>",
    });
    expect(html).toBe(
      '<p>Dear &lt;&quot;Bob&quot; &lt;b&gt;&gt; &amp; co:<br>\n&lt;script&gt;alert(1)&lt;/script&gt;</p>\n' +
        '<p>it&#39;s &lt;img src=x onerror=alert(1)&gt;</p>'
    );
  });

  it('keeps the plain text as written: no escaping in text mail', () => {
    expect(email('s', '{title}', { title: '<b>&</b>' }).text).toBe('<b>&</b>');
  });

  it('turns {siteUrl} into a link in the HTML version, its address escaped', () => {
    const { html } = email('s', 'Reply on {siteUrl}', { siteUrl: 'https://example.com/?a=1&b="2"' });
    expect(html).toBe('<p>Reply on <a href="https://example.com/?a=1&amp;b=&quot;2&quot;">https://example.com/?a=1&amp;b=&quot;2&quot;</a></p>');
  });

  it('makes line breaks <br> and blank lines paragraphs, whether they come from the template or a value', () => {
    expect(email('s', 'a\r\nb\n\n\nc', {}).html).toBe('<p>a<br>\nb</p>\n<p>c</p>');
    expect(email('s', '{body}', { body: 'one\ntwo\n\nthree' }).html).toBe('<p>one<br>\ntwo</p>\n<p>three</p>');
  });

  it('keeps the subject on one line: no CR or LF can reach the header', () => {
    const { subject } = email('Hi {title}\r\nBcc: x@example.com', '', { title: 'a\r\nBcc: evil@example.com\n\tb' });
    expect(subject).toBe('Hi a Bcc: evil@example.com b Bcc: x@example.com');
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it('drops control characters from the values', () => {
    expect(email('{title}', '{title}', { title: 'a\u0000b\u0007c\u001b' }).text).toBe('abc');
  });

  it(`cuts the subject to ${SUBJECT_MAX_LENGTH} characters, never inside one`, () => {
    const { subject } = email('{title}', '', { title: '😀'.repeat(300) });
    expect(Array.from(subject)).toHaveLength(SUBJECT_MAX_LENGTH);
    expect(subject).toBe('😀'.repeat(SUBJECT_MAX_LENGTH));
  });
});

describe('notificationEmail: what cannot be seen', () => {
  const SPOOFS = ['\u202E', '\u202D', '\u200B', '\u200E', '\u2066', '\u2067', '\u2068', '\u2069', '\uFEFF', '\u00AD', '\u0085', '\u009B'];

  it('drops control and format characters (Cc, Cf) from the subject and the text, whichever value or template brings them', () => {
    const spoof = SPOOFS.join('');
    const { subject, text, html } = email(`Re: {title}${spoof}`, `{name}${spoof}\n{title}\n{body}`, { title: `Invoice ${spoof}gnp.exe`, body: `a\u0000b\tc${spoof}`, name: `Al${spoof}ice` });
    expect(subject).toBe('Re: Invoice gnp.exe');
    expect(text).toBe('Alice\nInvoice gnp.exe\nab c');
    for (const part of [subject, text, html]) expect(part).not.toMatch(/(?!\n)[\p{Cc}\p{Cf}]/u);
  });

  it('keeps what is visible: letters of any script, emoji, line breaks in the text', () => {
    const { subject, text } = email('{title}', '{body}', { title: 'Привет 👋 日本', body: 'one\ntwo' });
    expect(subject).toBe('Привет 👋 日本');
    expect(text).toBe('one\ntwo');
  });
});

describe('notificationEmail without a site address', () => {
  it('leaves out the lines that name {siteUrl}, and the subject drops it', () => {
    const { subject, text, html } = email('{title} ({siteUrl})', 'Hi {name}\n{title}\n\nReply on {siteUrl}\nBye', { siteUrl: '' });
    expect(subject).toBe('New message ()');
    expect(text).toBe('Hi Alice\nNew message\n\nBye');
    expect(html).not.toContain('<a ');
  });

  it('fills the default templates with no link at all', () => {
    const { subject, text } = notificationEmail(DEFAULT_SETTINGS, { ...VALUES, siteUrl: '' });
    expect(subject).toBe('New message: New message');
    expect(text).toBe('Hello Alice,\n\nYou have a new message while you were away:\n\nNew message\nHello there\n');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters HTML reads', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
