import { EXTEND_USERS_TIMEOUT_MS } from '../../server/src/config/hooks';
import { extensionRunner, mergeExtension, type ExtensionTrouble } from '../../server/src/services/extend-users';
import type { Core } from '@strapi/strapi';
import type { ChatUser } from '../../contract';

const users = [
  { user_id: 1, name: 'Alice' },
  { user_id: 2, name: 'Bob', avatar_url: 'https://site.test/b.png' },
];
const strapi = {} as Core.Strapi;
const context = { strapi, route: 'users' as const };

describe('mergeExtension', () => {
  it('lays the answer over the users by user_id, keeping user_id and name', () => {
    expect(mergeExtension(users, [{ user_id: 2, name: 'Robert', badge: 'VIP' }, { user_id: 1, extra: [1, 2] }])).toEqual([
      { user_id: 1, name: 'Alice', extra: [1, 2] },
      { user_id: 2, name: 'Bob', badge: 'VIP' },
    ]);
  });

  it('keeps a user the answer leaves out as it was, and an empty answer changes nothing', () => {
    expect(mergeExtension(users, [{ user_id: 1, x: 1 }])).toEqual([{ user_id: 1, name: 'Alice', x: 1 }, users[1]]);
    expect(mergeExtension(users, [])).toEqual(users);
  });

  it.each([
    [undefined, 'not-an-array-nothing', /nothing instead of the array/],
    [null, 'not-an-array-object', /object instead of the array/],
    [{ 0: users[0] }, 'not-an-array-object', /object instead of the array/],
    [[null], 'not-a-plain-object', /not a plain object/],
    [[new Date()], 'not-a-plain-object', /not a plain object/],
    [[{ user_id: '1' }], 'not-in-the-batch', /not in the batch/],
    [[{ user_id: 3 }], 'not-in-the-batch', /not in the batch/],
    [[{ name: 'no id' }], 'not-in-the-batch', /not in the batch/],
    [[{ user_id: 1 }, { user_id: 1 }], 'twice', /the same user twice/],
    [[{ user_id: 1, n: BigInt(2) }], 'not-json', /cannot be sent as JSON/],
  ])('says why an answer is junk, with a kind of its own: %p', (answer, kind, why) => {
    expect(mergeExtension(users, answer)).toEqual({ kind, why: expect.stringMatching(why) });
  });

  it('drops what JSON cannot carry, as the answer would', () => {
    expect(mergeExtension(users, [{ user_id: 1, f: () => 1, u: undefined }])).toEqual([{ user_id: 1, name: 'Alice' }, users[1]]);
  });
});

/** A runner whose reports are kept, and a hook whose calls stay pending until the test settles them. */
const setUp = () => {
  const reports: [ExtensionTrouble, string][] = [];
  const runner = extensionRunner((kind, problem) => reports.push([kind, problem]));
  const pending: ((answer: unknown) => void)[] = [];
  const hanging = () => new Promise((resolve) => pending.push(resolve));
  return { reports, runner, pending, hanging };
};
const extended = (given: ChatUser[]) => given.map((user) => ({ ...user, extra: true }));

describe('extensionRunner: what it does with the hook and its answer', () => {
  it('hands the hook copies, so a hook that edits them in place changes nothing it did not answer', async () => {
    const { reports, runner } = setUp();
    const result = await runner.run(
      (given) => {
        (given as { name: string }[])[0].name = 'changed';
        throw new Error('late');
      },
      users,
      context,
      4
    );
    expect(result).toEqual(users);
    expect(users[0].name).toBe('Alice');
    expect(reports).toEqual([['extendUsers-failed', 'failed: late']]);
  });

  it.each([
    ['an item with a getter that throws', [{ get user_id(): number { throw new Error('getter blew up'); } }], 'extendUsers-unreadable'],
    ['an item with another getter that throws', [{ user_id: 1, get badge(): string { throw new Error('getter blew up'); } }], 'extendUsers-unreadable'],
    ['a Proxy item', [new Proxy({ user_id: 1 }, { getPrototypeOf: () => { throw new Error('getter blew up'); } })], 'extendUsers-unreadable'],
    // Its `then`, read as the hook's promise settles, throws: the call failed.
    ['a Proxy array', new Proxy([{ user_id: 1 }], { get: () => { throw new Error('getter blew up'); } }), 'extendUsers-failed'],
    ['a nested getter that throws', [{ user_id: 1, deep: { get x(): number { throw new Error('getter blew up'); } } }], 'extendUsers-junk-not-json'],
  ])('answers without the hook, never throwing, when the answer is %s', async (_what, answer, kind) => {
    const { reports, runner } = setUp();
    await expect(runner.run(() => answer, users, context, 4)).resolves.toEqual(users);
    expect(reports).toEqual([[kind, expect.any(String)]]);
    if (kind !== 'extendUsers-junk-not-json') expect(reports[0][1]).toMatch(/: getter blew up$/);
  });

  it('answers without the hook when even its error cannot be read', async () => {
    const { reports, runner } = setUp();
    const unreadable = new Proxy({}, { getPrototypeOf: () => { throw new Error('no'); } });
    await expect(runner.run(() => Promise.reject(unreadable), users, context, 4)).resolves.toEqual(users);
    expect(reports).toEqual([['extendUsers-failed', 'failed: an error that cannot be read']]);
  });

  it('keys its reports by fixed words, never by what the hook said', async () => {
    const { reports, runner } = setUp();
    await runner.run(() => { throw new Error('password=hunter2: the profiles table is gone'); }, users, context, 4);
    await runner.run(() => 'oops', users, context, 4);
    await runner.run(() => [{ user_id: 1 }, { user_id: 1 }], users, context, 4);
    expect(reports.map(([kind]) => kind)).toEqual(['extendUsers-failed', 'extendUsers-junk-not-an-array-string', 'extendUsers-junk-twice']);
    expect(reports[0][1]).toBe('failed: password=hunter2: the profiles table is gone');
  });

  it('extends the batch with a good answer, and the call is over when it settles', async () => {
    const { reports, runner } = setUp();
    expect(await runner.run(extended, users, context, 4)).toEqual(extended(users));
    expect(runner.inFlight()).toBe(0);
    expect(reports).toEqual([]);
  });
});

describe('extensionRunner: time and calls at once', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it(`gives up on a hook slower than ${EXTEND_USERS_TIMEOUT_MS} ms`, async () => {
    const { reports, runner, pending, hanging } = setUp();
    const answer = runner.run(hanging, users, context, 4);
    await jest.advanceTimersByTimeAsync(EXTEND_USERS_TIMEOUT_MS - 1);
    expect(reports).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(await answer).toEqual(users);
    expect(reports).toEqual([['extendUsers-timeout', `took longer than ${EXTEND_USERS_TIMEOUT_MS} ms`]]);
    pending[0]([]);
  });

  it('runs at most `limit` calls at once; beyond, answers at once without the hook, timed-out calls counting until they settle', async () => {
    const { reports, runner, pending, hanging } = setUp();
    let hook: (given: ChatUser[]) => unknown = hanging;
    const calls = jest.fn((given: ChatUser[]) => hook(given));
    const first = [1, 2, 3, 4].map(() => runner.run(calls, users, context, 4));
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveBeenCalledTimes(4);

    // Two more while four hang: answered at once, without calling the hook.
    const extra = await Promise.all([runner.run(calls, users, context, 4), runner.run(calls, users, context, 4)]);
    expect(extra).toEqual([users, users]);
    expect(calls).toHaveBeenCalledTimes(4);
    expect(reports).toEqual([
      ['extendUsers-busy', 'was not called: 4 calls are still running (extendUsersConcurrency: 4)'],
      ['extendUsers-busy', 'was not called: 4 calls are still running (extendUsersConcurrency: 4)'],
    ]);

    // The four time out: their requests are answered, but the calls still run and still count.
    await jest.advanceTimersByTimeAsync(EXTEND_USERS_TIMEOUT_MS);
    expect(await Promise.all(first)).toEqual([users, users, users, users]);
    expect(runner.inFlight()).toBe(4);
    expect(await runner.run(calls, users, context, 4)).toEqual(users);
    expect(calls).toHaveBeenCalledTimes(4);

    // Once they settle, the hook is called again.
    pending.forEach((resolve) => resolve([]));
    await jest.advanceTimersByTimeAsync(0);
    expect(runner.inFlight()).toBe(0);
    hook = extended;
    expect(await runner.run(calls, users, context, 4)).toEqual(extended(users));
    expect(calls).toHaveBeenCalledTimes(5);
  });

  it('frees the place of a call that throws at once or rejects', async () => {
    const { runner } = setUp();
    await runner.run(() => { throw new Error('sync'); }, users, context, 1);
    await runner.run(() => Promise.reject(new Error('async')), users, context, 1);
    await runner.run(() => ({ get user_id(): number { throw new Error('getter'); } }), users, context, 1);
    expect(runner.inFlight()).toBe(0);
    expect(await runner.run(extended, users, context, 1)).toEqual(extended(users));
  });
});
