import { checkPublicUrl, hostReach } from '../../server/src/utils/public-url-check';

describe('hostReach', () => {
  it.each([
    ['example.com', 'public'],
    ['cms.example.co.uk', 'public'],
    ['8.8.8.8', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.1', 'public'],
    ['169.253.1.1', 'public'],
    ['[2001:db8::1]', 'public'],
    ['[2606:4700::6810:84e5]', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['localhost', 'loopback'],
    ['LOCALHOST', 'loopback'],
    ['localhost.', 'loopback'],
    ['app.localhost', 'loopback'],
    ['[::1]', 'loopback'],
    ['[::]', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.254', 'private'],
    ['[fc00::1]', 'private'],
    ['[fd12:3456:789a::1]', 'private'],
    ['[::ffff:c0a8:101]', 'private'],
    ['strapi', 'private'],
    ['cms.local', 'private'],
    ['api.internal', 'private'],
    ['nas.home.arpa', 'private'],
    ['169.254.169.254', 'link-local'],
    ['[fe80::1]', 'link-local'],
    ['[febf::1]', 'link-local'],
  ])('%s is %s', (host, reach) => {
    expect(hostReach(host)).toBe(reach);
  });

  it('reads hostnames as new URL gives them (numeric IPv4 forms are normalised first)', () => {
    expect(hostReach(new URL('http://0x7f.1/').hostname)).toBe('loopback');
    expect(hostReach(new URL('http://3232235777/').hostname)).toBe('private');
    expect(hostReach(new URL('http://[::ffff:10.1.2.3]/').hostname)).toBe('private');
  });
});

describe('checkPublicUrl', () => {
  it('passes an https address on a public host', () => {
    expect(checkPublicUrl('https://cms.example.com', true)).toEqual({ url: 'https://cms.example.com', reachable: true, problems: [] });
  });

  it.each([
    ['http://cms.example.com', ['http']],
    ['https://127.0.0.1:1337', ['loopback']],
    ['http://localhost:1337', ['http', 'loopback']],
    ['https://192.168.1.5', ['private']],
    ['http://10.0.0.2:1337/cms', ['http', 'private']],
    ['https://[fe80::1]', ['link-local']],
    ['https://strapi:1337', ['private']],
  ])('lists every problem of %s, most important first', (url, problems) => {
    expect(checkPublicUrl(url, true)).toEqual({ url, reachable: false, problems });
  });

  it('says not-set, before anything else, when server.url is not absolute (the address is the browser\'s)', () => {
    expect(checkPublicUrl('http://127.0.0.1:1337', false)).toEqual({
      url: 'http://127.0.0.1:1337',
      reachable: false,
      problems: ['not-set', 'http', 'loopback'],
    });
    expect(checkPublicUrl('https://admin.example.com', false)).toEqual({ url: 'https://admin.example.com', reachable: false, problems: ['not-set'] });
  });

  it('answers not-set for something that is no URL at all', () => {
    expect(checkPublicUrl('not a url', true)).toEqual({ url: 'not a url', reachable: false, problems: ['not-set'] });
  });
});
