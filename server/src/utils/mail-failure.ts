/**
 * What a failed send means for the notification: `permanent` when the mail server refused this
 * recipient or message for good (an SMTP 5xx reply), `temporary` for everything else (connection
 * refused, a timeout, a 4xx "try again later", a provider's own error): those are tried again.
 */
export type MailFailure = 'temporary' | 'permanent';

/** The SMTP reply code a provider's error carries (nodemailer: `responseCode`), if any. */
const replyCode = (error: unknown): number | null => {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && Number.isInteger(code) ? code : null;
};

export const classifyMailFailure = (error: unknown): MailFailure => {
  const code = replyCode(error);
  return code !== null && code >= 500 && code < 600 ? 'permanent' : 'temporary';
};

/** Anything that looks like an address, wherever a provider or a driver put one in its message. */
const ADDRESS = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;

/**
 * A failure's message as the log may carry it: none of `private` (the mail's words, its address),
 * no address at all, one short line.
 */
export const loggableFailure = (error: unknown, privateTexts: string[]): string => {
  let safe = error instanceof Error ? error.message : String(error);
  for (const text of privateTexts) {
    if (text.length >= 8) safe = safe.split(text).join('…');
  }
  safe = safe.replace(ADDRESS, '<address>').replace(/\s+/g, ' ').trim();
  return safe.length > 300 ? `${safe.slice(0, 300)}…` : safe;
};

/** Back-off between tries of one notification: 30 s, doubling, at most an hour. */
export const retryDelayMs = (attempts: number): number => Math.min(60 * 60_000, 30_000 * 2 ** Math.min(attempts, 10));

/** Keys of an email provider's options whose values are credentials (`auth.pass`, `apiKey`, `token`, …). */
const SECRET_OPTION = /pass|secret|token|key|auth|user|credential/i;

/** The credentials in an email provider's options (`plugin::email.providerOptions`), wherever they are nested. */
export const providerSecrets = (options: unknown, underSecret = false, depth = 0): string[] => {
  if (depth > 5 || options === null || options === undefined) return [];
  if (typeof options === 'string') return underSecret && options.length >= 3 ? [options] : [];
  if (typeof options !== 'object') return [];
  return Object.entries(options as Record<string, unknown>).flatMap(([key, value]) =>
    providerSecrets(value, underSecret || SECRET_OPTION.test(key), depth + 1)
  );
};

/** A provider's failure as an admin may read it: `loggableFailure`, with the provider's credentials cut out too. */
export const shownFailure = (error: unknown, privateTexts: string[], secrets: string[]): string => {
  let safe = error instanceof Error ? error.message : String(error);
  // Longest first, so a secret that holds another is cut whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) safe = safe.split(secret).join('…');
  return loggableFailure(safe, privateTexts);
};
