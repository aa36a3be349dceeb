// The whole integration is the three calls from strapi-plugin-imbachat/client below: log in with
// Strapi, loadImbaChat with the user's JWT (or without, for a visitor), openDialog on a click.
import { isNotLoaded, loadImbaChat, openDialog } from '/chat-demo/imbachat-client.mjs';

const strapiUrl = window.location.origin;
const JWT_KEY = 'imbachat-demo-jwt';
const $ = (id) => document.getElementById(id);

const say = (text) => {
  $('status').textContent = text;
};
const fail = (message) => {
  $('error').textContent = message;
  $('error').hidden = false;
};

const api = async (path, { jwt, body } = {}) => {
  const response = await fetch(`${strapiUrl}/api${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error?.message ?? `HTTP ${response.status}`);
  return data;
};

const showPeople = async (jwt, me) => {
  const users = await api('/users?fields[0]=username&fields[1]=displayName&filters[blocked][$ne]=true&sort=id', { jwt });
  $('people').replaceChildren(
    ...users
      .filter((user) => user.id !== me.id)
      .map((user) => {
        const item = document.createElement('li');
        const name = document.createElement('span');
        name.textContent = user.displayName || user.username;
        const write = document.createElement('button');
        write.type = 'button';
        write.textContent = 'Write message';
        write.dataset.userId = String(user.id);
        write.addEventListener('click', () => openDialog(user.id).catch((error) => fail(error.message)));
        item.append(name, write);
        return item;
      })
  );
};

const startAsUser = async (jwt) => {
  $('account').hidden = false;
  // The chat and the page load side by side: a "Write message" click before the widget is
  // ready waits for it (openDialog does).
  const chat = loadImbaChat({ strapiUrl, jwt }).then(
    () => true,
    (error) => {
      sessionStorage.removeItem(JWT_KEY);
      $('account').hidden = true;
      $('login').hidden = false;
      fail(error.status === 401 ? `Your session has expired, log in again (${error.message})` : error.message);
      say('The chat could not load.');
      return false;
    }
  );
  const page = api('/users/me', { jwt }).then(async (me) => {
    $('me').textContent = me.displayName || me.username;
    await showPeople(jwt, me);
    return me;
  });
  const [loaded, me] = await Promise.all([chat, page.catch(() => null)]);
  if (loaded && me) say(`Chat loaded for ${me.username}.`);
};

const startAsVisitor = async () => {
  $('login').hidden = false;
  try {
    // With the site's guest mode off, no script is added and the answer says so.
    const result = await loadImbaChat({ strapiUrl });
    say(isNotLoaded(result) ? 'The chat is for site users only: log in to chat.' : 'You are a visitor: the guest chat is loaded. Log in to chat as a site user.');
  } catch (error) {
    fail(error.message);
    say('The chat could not load.');
  }
};

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('error').hidden = true;
  const form = new FormData(event.target);
  try {
    const { jwt } = await api('/auth/local', { body: { identifier: form.get('identifier'), password: form.get('password') } });
    sessionStorage.setItem(JWT_KEY, jwt);
    window.location.reload();
  } catch (error) {
    fail(`Login failed: ${error.message}`);
  }
});

$('logout').addEventListener('click', () => {
  sessionStorage.removeItem(JWT_KEY);
  window.location.reload();
});

const jwt = sessionStorage.getItem(JWT_KEY);
(jwt ? startAsUser(jwt) : startAsVisitor()).catch((error) => fail(error.message));
