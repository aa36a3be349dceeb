import { scriptUrlAllowed } from '../../client/src/script-url';

const site = { hostname: 'shop.example.com' };
const SCRIPT = 'https://api.imbachat.com/imbachat/v1/w1/widget';

describe('scriptUrlAllowed (the client injects only https scripts, or any http one on localhost)', () => {
  it('allows an https script on any page', () => {
    expect(scriptUrlAllowed(SCRIPT, site)).toBe(true);
    expect(scriptUrlAllowed('https://cdn.example.net:8443/w.js?x=1', site)).toBe(true);
    expect(scriptUrlAllowed(SCRIPT, { hostname: 'localhost' })).toBe(true);
  });

  it('refuses an http script on a page that is not on localhost', () => {
    expect(scriptUrlAllowed('http://api.imbachat.com/imbachat/v1/w1/widget', site)).toBe(false);
    expect(scriptUrlAllowed('HTTP://api.imbachat.com/w.js', site)).toBe(false);
    // A script host called localhost is still fetched from wherever the visitor's machine says.
    expect(scriptUrlAllowed('http://localhost:1337/w.js', site)).toBe(false);
  });

  it.each(['localhost', '127.0.0.1', '[::1]', 'shop.localhost', 'a.b.localhost'])('allows an http script on a page at %s', (hostname) => {
    expect(scriptUrlAllowed('http://127.0.0.1:4000/widget.js', { hostname })).toBe(true);
  });

  it.each(['localhost.example.com', 'mylocalhost', '127.0.0.2', '10.0.0.1', '::1', 'localhost.'])(
    'treats a page at %s as not local',
    (hostname) => {
      expect(scriptUrlAllowed('http://127.0.0.1:4000/widget.js', { hostname })).toBe(false);
    }
  );

  it.each(['', 'not a url', '/widget.js', '//api.imbachat.com/widget', 'api.imbachat.com/widget', 'https://', 'http://[::1'])(
    'refuses %j, which is not an absolute URL',
    (url) => {
      expect(scriptUrlAllowed(url, site)).toBe(false);
      expect(scriptUrlAllowed(url, { hostname: 'localhost' })).toBe(false);
    }
  );

  it.each(['javascript:alert(1)', 'data:text/javascript,alert(1)', 'ftp://api.imbachat.com/w.js', 'file:///tmp/w.js', 'blob:https://x/1'])(
    'refuses %s even on localhost',
    (url) => {
      expect(scriptUrlAllowed(url, site)).toBe(false);
      expect(scriptUrlAllowed(url, { hostname: 'localhost' })).toBe(false);
    }
  );
});
