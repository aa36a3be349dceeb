import { isLoopback, plainHttpRefusal } from '../../server/src/services/api-test';

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '[::1]', '[::ffff:7f00:1]'])('takes %s as this machine', (host) => {
    expect(isLoopback(host)).toBe(true);
  });

  it.each(['10.0.0.1', '128.0.0.1', '0.0.0.0', '[::]', '[::2]', '[::ffff:a00:1]', 'example.com', '127.0.0.1.example.com', 'localhost.example'])(
    'takes %s as another host',
    (host) => {
      expect(isLoopback(host)).toBe(false);
    }
  );
});

describe('plainHttpRefusal', () => {
  it.each(['https://chat.example/api/imbachat/v1/users', 'http://127.0.0.1:1337/api/imbachat/v1/users', 'http://[::1]:1337/x', 'http://localhost/x'])(
    'lets the credentials go to %s',
    (url) => {
      expect(plainHttpRefusal(url)).toBeNull();
    }
  );

  it('refuses plain http to another host and says to set an https server.url', () => {
    expect(plainHttpRefusal('http://chat.example:8080/api/imbachat/v1/users')).toMatch(/plain http on chat\.example:8080.*server\.url.*https:\/\/chat\.example\)/s);
  });
});
