import { startStrapi } from '../helpers/strapi';

/** Boots and expects the start-up to fail (startStrapi cleans up what did start). */
const bootFails = async (env: Record<string, string>) => {
  const seen: unknown[] = [];
  try {
    const app = await startStrapi({ env });
    await app.close();
  } catch (error) {
    seen.push(error);
  }
  expect(seen).toHaveLength(1);
  return String((seen[0] as Error).message);
};

describe('start-up with a bad config/plugins', () => {
  it('stops with a message naming a bad value', async () => {
    expect(await bootFails({ IMBACHAT_TOKEN_TTL: '5' })).toMatch(/imbachat\.config\.tokenTtlSeconds is invalid/);
  });

  it('stops with a message naming a field the user model lacks', async () => {
    expect(await bootFails({ IMBACHAT_NAME_FIELD: 'nickname' })).toMatch(/imbachat\.config\.nameField: "nickname"/);
  });

  it('stops when widgetScriptUrl is not https', async () => {
    expect(await bootFails({ IMBACHAT_WIDGET_SCRIPT_URL: 'http://static.example.org/chat/{widgetId}.js' })).toMatch(
      /imbachat\.config\.widgetScriptUrl is invalid: .*https/
    );
  });

  it('stops with a message that never carries the refused secret', async () => {
    const message = await bootFails({ IMBACHAT_SECRET_KEY: 'short-505050' });
    expect(message).toMatch(/imbachat\.config\.secretKey is invalid: .*at least 16 characters/);
    expect(message).not.toContain('505050');
  });

  it('starts with a good one', async () => {
    const app = await startStrapi({ env: { IMBACHAT_TOKEN_TTL: '60', IMBACHAT_AVATAR_FIELD: 'avatar' } });
    try {
      expect(app.strapi.plugin('imbachat').service('settings').lockedKeys()).toEqual(['tokenTtlSeconds', 'avatarField']);
    } finally {
      await app.close();
    }
  });
});
