import { WIDGET_LANGUAGES } from '../../contract';
import { mergeLoadOptions, userLoadOptions, widgetLanguage } from '../../client/src/options';
import type { ChatToken } from '../../contract';

const noPage = () => {
  throw new Error('the page language is read only for language: auto');
};

describe("widgetLanguage (language: 'auto' sends the page's language as the widget spells it)", () => {
  it.each([
    ['ru', 'ru-RUS'],
    ['ru-RU', 'ru-RUS'],
    ['RU_ru', 'ru-RUS'],
    ['ru-UA', 'ru-RUS'],
    ['it', 'it-IT'],
    ['it-IT', 'it-IT'],
    ['it-CH', 'it-IT'],
    ['en', 'en-US'],
    ['en-GB', 'en-US'],
  ])('maps %s to %s', (page, widget) => {
    expect(widgetLanguage(page)).toBe(widget);
  });

  it.each(['de', 'fr-FR', 'zh-Hant-TW', 'x', '', ' ', null, undefined])('gives English for %j, a language the widget does not speak', (page) => {
    expect(widgetLanguage(page)).toBe('en-US');
  });

  it.each([...WIDGET_LANGUAGES])('keeps %s, a code of the widget', (code) => {
    expect(widgetLanguage(code)).toBe(code);
  });
});

describe('mergeLoadOptions (the caller wins over the site)', () => {
  it("takes the site's options when the caller has none", () => {
    expect(mergeLoadOptions({ theme: 'dark', position: 'left' }, undefined, noPage)).toEqual({ theme: 'dark', position: 'left' });
    expect(mergeLoadOptions(undefined, undefined, noPage)).toEqual({});
  });

  it("puts the caller's options over the site's, unknown keys included", () => {
    expect(mergeLoadOptions({ theme: 'dark', position: 'left', draggable: true }, { position: 'right', draggable: false, extra: 1 }, noPage)).toEqual({
      theme: 'dark',
      position: 'right',
      draggable: false,
      extra: 1,
    });
  });

  it('ignores a caller value left undefined, so it does not erase the site value', () => {
    expect(mergeLoadOptions({ theme: 'dark' }, { theme: undefined, position: undefined }, noPage)).toEqual({ theme: 'dark' });
  });

  it("turns the site's language: 'auto' into the page's language", () => {
    expect(mergeLoadOptions({ language: 'auto', theme: 'dark' }, {}, () => 'ru-RU')).toEqual({ language: 'ru-RUS', theme: 'dark' });
    expect(mergeLoadOptions({ language: 'auto' }, {}, () => 'de-DE')).toEqual({ language: 'en-US' });
    expect(mergeLoadOptions({ language: 'auto' }, {}, () => undefined)).toEqual({ language: 'en-US' });
  });

  it("lets the caller's own language win over 'auto', as it is", () => {
    expect(mergeLoadOptions({ language: 'auto' }, { language: 'it-IT' }, noPage)).toEqual({ language: 'it-IT' });
    expect(mergeLoadOptions({ language: 'ru-RUS' }, { language: 'de' }, noPage)).toEqual({ language: 'de' });
  });

  it("resolves the caller's own 'auto' too", () => {
    expect(mergeLoadOptions({ language: 'ru-RUS' }, { language: 'auto' }, () => 'it')).toEqual({ language: 'it-IT' });
  });

  it('never passes a user_id or token of the caller', () => {
    expect(mergeLoadOptions({}, { user_id: 99, token: 'forged', theme: 'dark' }, noPage)).toEqual({ theme: 'dark' });
  });
});

describe("userLoadOptions (a user's load: merged options, then the plugin's user_id and token)", () => {
  const grant: ChatToken = {
    token: 'chat.token.signed',
    user_id: 5,
    expires_at: 1,
    widget_id: 'w1',
    script_url: 'https://api.imbachat.com/imbachat/v1/w1/widget',
    options: { language: 'auto', theme: 'dark' },
  };

  it("sends the user's id and chat token with the merged options", () => {
    expect(userLoadOptions(grant, { position: 'left' }, () => 'ru')).toEqual({
      language: 'ru-RUS',
      theme: 'dark',
      position: 'left',
      user_id: 5,
      token: 'chat.token.signed',
    });
  });

  it("keeps the plugin's user_id and token whatever the caller passes", () => {
    expect(userLoadOptions(grant, { user_id: 1, token: 'forged' }, () => 'en')).toMatchObject({ user_id: 5, token: 'chat.token.signed' });
  });

  it('copes with a server that sends no options', () => {
    const { options: _none, ...old } = grant;
    expect(userLoadOptions(old as ChatToken, undefined, noPage)).toEqual({ user_id: 5, token: 'chat.token.signed' });
  });
});
