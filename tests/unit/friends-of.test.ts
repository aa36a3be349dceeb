import type { Core } from '@strapi/strapi';
import { MAX_FRIENDS } from '../../server/src/config/hooks';
import { friendIdsOf, friendsHookRunner } from '../../server/src/services/friends-of';

const strapi = {} as Core.Strapi;

describe('friendIdsOf', () => {
  it('takes ids, digit strings and objects with id or user_id, each once, never the user', () => {
    expect(friendIdsOf([2, '3', { id: 4 }, { user_id: '5' }, 2, 1, 0, -3, 'x', null, { name: 'n' }, 1.5], 1)).toEqual([2, 3, 4, 5]);
  });

  it('answers null for what is no array, and stops at the cap', () => {
    expect(friendIdsOf({ 0: 2 }, 1)).toBeNull();
    expect(friendIdsOf(undefined, 1)).toBeNull();
    expect(friendIdsOf(Array.from({ length: 1500 }, (_, i) => i + 2), 1)).toHaveLength(MAX_FRIENDS);
  });
});

describe('friendsHookRunner', () => {
  const runner = (timeoutMs = 50, limit = 2) => {
    const reports: string[] = [];
    return { reports, run: friendsHookRunner((kind) => reports.push(kind), timeoutMs, limit).run };
  };

  it('answers the hook\'s ids and passes it the user and strapi', async () => {
    const { run, reports } = runner();
    const hook = jest.fn(async () => [{ id: 7 }, '8']);
    expect(await run(hook, 3, { strapi })).toEqual([7, 8]);
    expect(hook).toHaveBeenCalledWith(3, { strapi });
    expect(reports).toEqual([]);
  });

  it('answers [] and reports a throw, a junk answer, a timeout, and too many calls at once', async () => {
    const { run, reports } = runner(30, 1);
    expect(await run(() => { throw new Error('down'); }, 1, { strapi })).toEqual([]);
    expect(await run(() => 'nope', 1, { strapi })).toEqual([]);
    const hung = run(() => new Promise(() => undefined), 1, { strapi });
    expect(await run(() => [2], 1, { strapi })).toEqual([]);
    expect(await hung).toEqual([]);
    expect(reports).toEqual(['friendsOf-failed', 'friendsOf-junk', 'friendsOf-busy', 'friendsOf-timeout']);
  });
});
