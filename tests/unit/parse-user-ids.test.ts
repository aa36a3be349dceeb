import { parseUserIds } from '../../server/src/validation/parse-user-ids';

describe('parseUserIds', () => {
  it('reads a comma-separated list in order', () => {
    expect(parseUserIds('3,1,2')).toEqual([3, 1, 2]);
  });

  it('ignores tokens that are not positive integers', () => {
    expect(parseUserIds('abc,1,-2,0,1.5, 2 ,,%20,0x10,1e3,+4')).toEqual([1, 2]);
  });

  it('answers each id once, first position kept', () => {
    expect(parseUserIds('5,4,5,4,6')).toEqual([5, 4, 6]);
  });

  it('drops ids no database row can have', () => {
    expect(parseUserIds('2147483647,2147483648,99999999999')).toEqual([2147483647]);
  });

  it('gives an empty list for nothing, zero, or a value of another kind', () => {
    expect(parseUserIds(undefined)).toEqual([]);
    expect(parseUserIds('')).toEqual([]);
    expect(parseUserIds('0')).toEqual([]);
    expect(parseUserIds({ a: '1' })).toEqual([]);
    expect(parseUserIds(true)).toEqual([]);
  });

  it('takes numbers and arrays of numbers or lists', () => {
    expect(parseUserIds(7)).toEqual([7]);
    expect(parseUserIds([1, '2', '3,4', null, { id: 5 }])).toEqual([1, 2, 3, 4]);
  });

  it('splits on the configured separator as well as the comma', () => {
    expect(parseUserIds('1|2,3|4', '|')).toEqual([1, 2, 3, 4]);
    expect(parseUserIds('1 2 3', ' ')).toEqual([1, 2, 3]);
    expect(parseUserIds('1;;2', ';')).toEqual([1, 2]);
  });

  it('accepts 1000 ids and refuses 1001', () => {
    const ids = Array.from({ length: 1001 }, (_, i) => i + 1);
    expect(parseUserIds(ids.slice(0, 1000).join(','))).toHaveLength(1000);
    expect(() => parseUserIds(ids.join(','))).toThrow(/at most 1000/);
  });

  it('counts distinct ids against the limit', () => {
    const repeated = Array.from({ length: 3000 }, (_, i) => (i % 1000) + 1).join(',');
    expect(parseUserIds(repeated)).toHaveLength(1000);
  });
});
