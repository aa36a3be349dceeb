import { FOLLOW_FRONT_END, WIDGET_FLAGS, WIDGET_LANGUAGES, WIDGET_POSITIONS, WIDGET_THEMES, type WidgetOptions } from '../../../contract';

/** The seven `ImbaChat.load` options, in the order the page shows them and the preview lists them. */
export const WIDGET_OPTION_KEYS = ['language', 'theme', 'position', ...WIDGET_FLAGS] as const;
export type WidgetOptionKey = (typeof WIDGET_OPTION_KEYS)[number];
export type WidgetFlag = (typeof WIDGET_FLAGS)[number];

/** Each language the widget offers, in its own words (the same in every admin language). */
export const LANGUAGE_NAMES: Record<(typeof WIDGET_LANGUAGES)[number], string> = {
  'en-US': 'English',
  'ru-RUS': 'Русский',
  'it-IT': 'Italiano',
};

/** What a select shows for an option left out: select options cannot have an empty value. */
export const WIDGET_DEFAULT = '__widget-default__';

const has = (options: object, key: string) => Object.prototype.hasOwnProperty.call(options, key);

export const isFlag = (key: WidgetOptionKey): key is WidgetFlag => (WIDGET_FLAGS as readonly string[]).includes(key);

/** The choice a select shows for one option: WIDGET_DEFAULT while it is left out, else its value as text. */
export const choiceOf = (options: WidgetOptions, key: WidgetOptionKey): string =>
  has(options, key) && options[key] !== undefined && options[key] !== null ? String(options[key]) : WIDGET_DEFAULT;

/** A select's choice as the option's value; undefined (left out) for the widget's default. */
export const valueOfChoice = (key: WidgetOptionKey, choice: string): WidgetOptions[WidgetOptionKey] | undefined => {
  if (choice === WIDGET_DEFAULT) return undefined;
  return isFlag(key) ? choice === 'true' : choice;
};

/**
 * The options with one of them set, or left out when `value` is undefined: an unset option is
 * never sent as null. Known options come in the page's order; any other stored key keeps its place after them.
 */
export const withOption = (options: WidgetOptions, key: WidgetOptionKey, value: WidgetOptions[WidgetOptionKey] | undefined): WidgetOptions => {
  const next: Record<string, unknown> = {};
  for (const known of WIDGET_OPTION_KEYS) {
    const current = known === key ? value : has(options, known) ? options[known] : undefined;
    if (current !== undefined && current !== null) next[known] = current;
  }
  for (const [other, current] of Object.entries(options)) {
    if (!(WIDGET_OPTION_KEYS as readonly string[]).includes(other)) next[other] = current;
  }
  return next as WidgetOptions;
};

/** The choices of one option, besides the widget's default: the values the contract allows. */
export const choicesOf = (key: WidgetOptionKey): string[] => {
  if (key === 'language') return [FOLLOW_FRONT_END, ...WIDGET_LANGUAGES];
  if (key === 'theme') return [...WIDGET_THEMES];
  if (key === 'position') return [...WIDGET_POSITIONS];
  return ['true', 'false'];
};

/**
 * What the front end passes to `ImbaChat.load` for a logged-in user with these options, as text:
 * `user_id` and `token` are the user's own, so they show as the placeholders given.
 */
export const loadCallPreview = (options: WidgetOptions, placeholders: { userId: string; token: string }): string => {
  const lines = [
    `  "user_id": ${placeholders.userId}`,
    `  "token": ${JSON.stringify(placeholders.token)}`,
    ...Object.entries(options).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`),
  ];
  return `ImbaChat.load({\n${lines.join(',\n')}\n})`;
};
