import { DEFAULT_SETTINGS, checkSetting, type WidgetOptions } from '../../contract';
import { toUpdate, type FormValues } from '../../admin/src/utils/form-values';
import {
  WIDGET_DEFAULT,
  WIDGET_OPTION_KEYS,
  choiceOf,
  choicesOf,
  loadCallPreview,
  valueOfChoice,
  withOption,
} from '../../admin/src/utils/widget-options';

const placeholders = { userId: '<user id>', token: '<chat token>' };

describe('the Appearance section\'s edits of the widget options', () => {
  it('sets an option, and leaves it out (never null) when set back to the widget default', () => {
    const dark = withOption({}, 'theme', 'dark');
    expect(dark).toEqual({ theme: 'dark' });
    const back = withOption(dark, 'theme', undefined);
    expect(back).toEqual({});
    expect(Object.keys(back)).toEqual([]);
    expect(withOption({ resizable: true }, 'resizable', false)).toEqual({ resizable: false });
  });

  it('keeps the options in the page\'s order whatever order they were set in, and any other stored key after them', () => {
    const options = withOption(withOption(withOption({}, 'updateTitle', true), 'language', 'auto'), 'position', 'left');
    expect(Object.keys(options)).toEqual(['language', 'position', 'updateTitle']);
    const stored = { size: 'big', theme: 'dark' } as unknown as WidgetOptions;
    expect(Object.keys(withOption(stored, 'draggable', false))).toEqual(['theme', 'draggable', 'size']);
  });

  it('reads each option as a select\'s choice and back: flags as true/false, the rest as their value', () => {
    expect(choiceOf({}, 'language')).toBe(WIDGET_DEFAULT);
    expect(choiceOf({ draggable: false }, 'draggable')).toBe('false');
    expect(choiceOf({ language: 'de' }, 'language')).toBe('de');
    expect(valueOfChoice('draggable', 'false')).toBe(false);
    expect(valueOfChoice('useFaviconBadge', 'true')).toBe(true);
    expect(valueOfChoice('position', 'left')).toBe('left');
    expect(valueOfChoice('theme', WIDGET_DEFAULT)).toBeUndefined();
  });

  it('offers only values the contract accepts for each option', () => {
    for (const key of WIDGET_OPTION_KEYS) {
      for (const choice of choicesOf(key)) {
        expect(checkSetting('widgetOptions', { [key]: valueOfChoice(key, choice) })).toBeNull();
      }
    }
    expect(choicesOf('language')).toEqual(['auto', 'en-US', 'ru-RUS', 'it-IT']);
  });
});

describe('the preview of the ImbaChat.load call', () => {
  it('shows user_id and token alone while every option is the widget default', () => {
    expect(loadCallPreview({}, placeholders)).toBe('ImbaChat.load({\n  "user_id": <user id>,\n  "token": "<chat token>"\n})');
  });

  it('adds each option set, as JSON, after the user', () => {
    expect(loadCallPreview({ language: 'ru-RUS', theme: 'dark', draggable: false }, placeholders)).toBe(
      [
        'ImbaChat.load({',
        '  "user_id": <user id>,',
        '  "token": "<chat token>",',
        '  "language": "ru-RUS",',
        '  "theme": "dark",',
        '  "draggable": false',
        '})',
      ].join('\n')
    );
  });
});

describe('what a save sends for the widget options and guests', () => {
  const initial = { ...DEFAULT_SETTINGS, apiPassword: '', secretKey: '' } as FormValues;

  it('sends the whole options object only when it changed, and guests when toggled', () => {
    expect(toUpdate({ ...initial, widgetOptions: {} }, initial, [])).toEqual({});
    const edited = { ...initial, widgetOptions: withOption({}, 'position', 'left'), guests: false };
    expect(toUpdate(edited, initial, [])).toEqual({ widgetOptions: { position: 'left' }, guests: false });
    // An option set and set back again is no change.
    const undone = { ...initial, widgetOptions: withOption(edited.widgetOptions, 'position', undefined) };
    expect(toUpdate(undone, initial, [])).toEqual({});
    expect(toUpdate(edited, initial, ['widgetOptions', 'guests'])).toEqual({});
  });
});
