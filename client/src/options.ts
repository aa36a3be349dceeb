/**
 * The options `ImbaChat.load` gets: the site's (Settings → ImbaChat), the caller's on top, the
 * user's id and chat token last. Pure: no DOM, so the rules are unit-tested as they are.
 */
import type { ChatToken, FOLLOW_FRONT_END, WIDGET_LANGUAGES, WidgetOptions } from '../../contract';

/** Options ImbaChat's `load` accepts besides the user (language, theme, position, …). */
export type LoadOptions = Record<string, unknown>;

/** A language code of the widget's own (`en-US`, `ru-RUS`, `it-IT`). */
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];

const AUTO: typeof FOLLOW_FRONT_END = 'auto';

/** The widget's language for each primary language subtag it speaks; any other language gets English. */
const WIDGET_LANGUAGE_OF: Record<string, WidgetLanguage> = { en: 'en-US', ru: 'ru-RUS', it: 'it-IT' };
export const FALLBACK_WIDGET_LANGUAGE: WidgetLanguage = 'en-US';

/**
 * The widget's language for a page language (`<html lang>` or `navigator.language`): by the primary
 * subtag, so `ru`, `ru-RU` and `ru-UA` give `ru-RUS`, `it` and `it-CH` give `it-IT`, and English,
 * any other language or none gives `en-US`.
 */
export const widgetLanguage = (pageLanguage: string | null | undefined): WidgetLanguage => {
  const primary = (pageLanguage ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return Object.prototype.hasOwnProperty.call(WIDGET_LANGUAGE_OF, primary) ? WIDGET_LANGUAGE_OF[primary] : FALLBACK_WIDGET_LANGUAGE;
};

/**
 * The site's options with the caller's over them (a caller's value wins; one left `undefined` does
 * not count), `language: 'auto'` turned into the page's language, and no `user_id` or `token`: only
 * the plugin sets those.
 */
export const mergeLoadOptions = (
  site: WidgetOptions | undefined,
  caller: LoadOptions | undefined,
  pageLanguage: () => string | null | undefined
): LoadOptions => {
  const merged: LoadOptions = { ...site };
  for (const [key, value] of Object.entries(caller ?? {})) {
    if (value !== undefined) merged[key] = value;
  }
  delete merged.user_id;
  delete merged.token;
  if (merged.language === AUTO) merged.language = widgetLanguage(pageLanguage());
  return merged;
};

/** What a logged-in user's `load` gets: the merged options, then the plugin's `user_id` and `token`. */
export const userLoadOptions = (grant: ChatToken, caller: LoadOptions | undefined, pageLanguage: () => string | null | undefined): LoadOptions => ({
  ...mergeLoadOptions(grant.options, caller, pageLanguage),
  user_id: grant.user_id,
  token: grant.token,
});
