import { mergeExtension, runExtension } from '../../server/src/utils/extend-users';
import type { Core } from '@strapi/strapi';

const users = [
  { user_id: 1, name: 'Alice' },
  { user_id: 2, name: 'Bob', avatar_url: 'https://site.test/b.png' },
];
const strapi = {} as Core.Strapi;

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
    [undefined, /nothing instead of the array/],
    [null, /object instead of the array/],
    [{ 0: users[0] }, /object instead of the array/],
    [[null], /not a plain object/],
    [[new Date()], /not a plain object/],
    [[{ user_id: '1' }], /not in the batch/],
    [[{ user_id: 3 }], /not in the batch/],
    [[{ name: 'no id' }], /not in the batch/],
    [[{ user_id: 1 }, { user_id: 1 }], /the same user twice/],
    [[{ user_id: 1, n: BigInt(2) }], /cannot be sent as JSON/],
  ])('says why an answer is junk: %p', (answer, why) => {
    expect(mergeExtension(users, answer)).toMatch(why);
  });

  it('drops what JSON cannot carry, as the answer would', () => {
    expect(mergeExtension(users, [{ user_id: 1, f: () => 1, u: undefined }])).toEqual([{ user_id: 1, name: 'Alice' }, users[1]]);
  });
});

describe('runExtension', () => {
  it('hands the hook copies, so a hook that edits them in place changes nothing it did not answer', async () => {
    const problems: string[] = [];
    const result = await runExtension(
      (given) => {
        (given as { name: string }[])[0].name = 'changed';
        throw new Error('late');
      },
      users,
      { strapi, route: 'users' },
      (problem) => problems.push(problem)
    );
    expect(result).toEqual(users);
    expect(users[0].name).toBe('Alice');
    expect(problems).toEqual(['failed: late']);
  });

  it('gives up on a hook slower than the timeout', async () => {
    const problems: string[] = [];
    const slow = () => new Promise((resolve) => setTimeout(() => resolve([]), 200));
    expect(await runExtension(slow, users, { strapi, route: 'search' }, (problem) => problems.push(problem), 20)).toEqual(users);
    expect(problems).toEqual(['failed: took longer than 20 ms']);
  });
});
