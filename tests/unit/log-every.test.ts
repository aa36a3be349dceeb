import { LOG_EVERY_MAX_KINDS, logEvery } from '../../server/src/utils/log-every';

const limiter = (maxKinds?: number) => {
  const lines: string[] = [];
  return { lines, report: logEvery((line) => lines.push(line), 60_000, maxKinds) };
};

describe('logEvery', () => {
  it('logs each kind at most once per interval, and again once the interval is over', () => {
    const { lines, report } = limiter();
    expect(report('db', 'down', 0)).toBe(true);
    expect(report('db', 'down again', 59_999)).toBe(false);
    expect(report('hook', 'threw', 1)).toBe(true);
    expect(report('db', 'still down', 60_000)).toBe(true);
    expect(lines).toEqual(['[imbachat] down', '[imbachat] threw', '[imbachat] still down']);
  });

  it('logs again when the clock went back: a time set back never silences a kind for longer than the interval', () => {
    const { lines, report } = limiter();
    expect(report('db', 'down', 1_000_000)).toBe(true);
    expect(report('db', 'down, clock set back an hour', 1_000_000 - 3_600_000)).toBe(true);
    expect(report('db', 'down again', 1_000_000 - 3_600_000 + 1)).toBe(false);
    expect(lines).toEqual(['[imbachat] down', '[imbachat] down, clock set back an hour']);
  });

  it('remembers at most maxKinds kinds, forgetting the one logged longest ago', () => {
    const { lines, report } = limiter(3);
    for (const kind of ['a', 'b', 'c']) report(kind, kind, 0);
    report('a', 'a twice', 1); // within the minute: not logged, and a stays the oldest
    report('d', 'd', 2); // a fourth kind: a is forgotten
    expect(report('b', 'b twice', 3)).toBe(false);
    expect(report('d', 'd twice', 3)).toBe(false);
    expect(report('a', 'a again', 3)).toBe(true);
    expect(lines).toEqual(['[imbachat] a', '[imbachat] b', '[imbachat] c', '[imbachat] d', '[imbachat] a again']);
  });

  it(`keeps ${LOG_EVERY_MAX_KINDS} kinds by default, however many kinds callers pass`, () => {
    const { report } = limiter();
    for (let i = 0; i < 100_000; i += 1) report(`kind ${i}`, 'x', 0);
    // The last LOG_EVERY_MAX_KINDS are remembered; the one before them is not.
    expect(report(`kind ${100_000 - LOG_EVERY_MAX_KINDS}`, 'x', 1)).toBe(false);
    expect(report(`kind ${99_999 - LOG_EVERY_MAX_KINDS}`, 'x', 1)).toBe(true);
  });
});
