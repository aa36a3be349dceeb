import { clientKey, isAddressOrRange, trustedAddresses } from '../../server/src/utils/client-address';
import { FailureWindows } from '../../server/src/utils/failure-windows';

const WINDOW = 60_000;

describe('FailureWindows', () => {
  it('locks a key out at the limit until its window ends', () => {
    const windows = new FailureWindows(3);
    for (let i = 0; i < 2; i += 1) windows.increment('a', WINDOW, 1000);
    expect(windows.retryAfterMs('a', 1000)).toBe(0);
    windows.increment('a', WINDOW, 2000);
    expect(windows.retryAfterMs('a', 2000)).toBe(WINDOW - 1000);
    expect(windows.retryAfterMs('a', 1000 + WINDOW)).toBe(0);
    expect(windows.get('a', 1000 + WINDOW)).toBeUndefined();
  });

  it('takes a window counted elsewhere as it is', () => {
    const windows = new FailureWindows(3);
    windows.increment('a', WINDOW, 0);
    windows.set('a', { failures: 7, resetAt: 5000 }, 100);
    expect(windows.retryAfterMs('a', 100)).toBe(4900);
  });

  it('does constant work per call under a flood of 200,000 distinct keys, and keeps a live lockout', () => {
    const windows = new FailureWindows(5, 50_000);
    for (let i = 0; i < 5; i += 1) windows.increment('the-attacker', WINDOW, 0);
    const calls = 200_000;
    // Every entry the class looks at to expire or evict comes from a Map's entries() or keys().
    const looks = [jest.spyOn(Map.prototype, 'entries'), jest.spyOn(Map.prototype, 'keys')];
    try {
      for (let i = 0; i < calls; i += 1) {
        windows.increment(`flood-${i}`, WINDOW, 1 + i / 1000);
        windows.retryAfterMs(`flood-${i >> 1}`, 1 + i / 1000);
      }
      const work = looks.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
      expect(work).toBeGreaterThan(calls);
      expect(work).toBeLessThan(6 * calls);
    } finally {
      for (const spy of looks) spy.mockRestore();
    }
    expect(windows.size).toBeLessThanOrEqual(100_000);
    expect(windows.retryAfterMs('the-attacker', 200)).toBeGreaterThan(0);
  });

  it('drops ended windows before live ones when it must make room', () => {
    const windows = new FailureWindows(2, 3);
    windows.increment('old', 10, 0);
    windows.increment('live-1', WINDOW, 100);
    windows.increment('live-2', WINDOW, 100);
    windows.increment('live-3', WINDOW, 200);
    expect(windows.get('old', 200)).toBeUndefined();
    for (const key of ['live-1', 'live-2', 'live-3']) expect(windows.get(key, 200)?.failures).toBe(1);
  });

  it('lets a flood of new keys push out only keys that are still counting', () => {
    const windows = new FailureWindows(2, 10);
    windows.increment('locked', WINDOW, 0);
    windows.increment('locked', WINDOW, 0);
    for (let i = 0; i < 1000; i += 1) windows.increment(`k${i}`, WINDOW, 1);
    expect(windows.retryAfterMs('locked', 2)).toBeGreaterThan(0);
    expect(windows.get('k0', 2)).toBeUndefined();
    expect(windows.get('k999', 2)?.failures).toBe(1);
  });
});

describe('clientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::5', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('counts %s as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });

  it('gives two /64s two budgets', () => {
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
  });
});

describe('trusted addresses', () => {
  const trusted = trustedAddresses(['192.0.2.0/24', '198.51.100.9', '2001:db8:ffff::/48']);

  it.each([
    ['192.0.2.1', true],
    ['::ffff:192.0.2.200', true],
    ['198.51.100.9', true],
    ['198.51.100.10', false],
    ['192.0.3.1', false],
    ['2001:db8:ffff:1::1', true],
    ['2001:db8:fffe::1', false],
    ['not an address', false],
  ])('%s is trusted: %p', (ip, expected) => {
    expect(trusted(ip)).toBe(expected);
  });

  it.each([
    ['192.0.2.0/24', true],
    ['2001:db8::/129', false],
    ['192.0.2.0/33', false],
    ['192.0.2.0/24/1', false],
    ['example.com', false],
    ['2001:db8::1', true],
  ])('%s is an address or range: %p', (entry, expected) => {
    expect(isAddressOrRange(entry)).toBe(expected);
  });
});

describe('FailureWindows.lockedKeys', () => {
  it('lists the keys locked out, not those still counting', () => {
    const windows = new FailureWindows(2);
    windows.increment('counting', WINDOW, 0);
    windows.increment('locked', WINDOW, 0);
    windows.increment('locked', WINDOW, 0);
    expect([...windows.lockedKeys()]).toEqual(['locked']);
    windows.delete('locked');
    expect([...windows.lockedKeys()]).toEqual([]);
  });
});
