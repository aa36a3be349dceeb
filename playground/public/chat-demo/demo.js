// The whole integration is the calls from strapi-plugin-imbachat/client below: log in with Strapi,
// loadImbaChat with the user's JWT (or without, for a visitor), openDialog on a click (with the JWT:
// the site signs a dialog token), and the widget's own calls: openChat, closeChat, joinRoom,
// embedChat and onWidget. Each waits for the widget.
import { closeChat, embedChat, isNotLoaded, joinRoom, loadImbaChat, onWidget, openChat, openDialog } from '/chat-demo/imbachat-client.mjs';

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
        // A refusal (the site's canOpenDialog, a blocked user, too many) is an ImbaChatError with a code.
        write.addEventListener('click', () => openDialog(user.id, { strapiUrl, jwt }).catch((error) => fail(`${error.message} (${error.code ?? error.status})`)));
        item.append(name, write);
        return item;
      })
  );
};

const startAsUser = async (jwt) => {
  $('account').hidden = false;
  $('join-room').addEventListener('click', () =>
    joinRoom({ pipe: 'playground-lobby', title: 'Playground lobby', isPublic: true }).catch((error) => fail(error.message))
  );
  // The chat and the page load side by side: a "Write message" click before the widget is
  // ready waits for it (openDialog does).
  const chat = loadImbaChat({ strapiUrl, jwt }).then(
    () => true,
    (error) => {
      noWidget = true;
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
    noWidget = isNotLoaded(result);
    $('widget').hidden = noWidget;
    $('public').hidden = noWidget;
    say(isNotLoaded(result) ? 'The chat is for site users only: log in to chat.' : 'You are a visitor: the guest chat is loaded. Log in to chat as a site user.');
  } catch (error) {
    noWidget = true;
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

// For everyone, visitor or user: the site's buttons for the widget's window, its events, and a
// public chat inside the page (drawn once the widget has loaded). Asked before the widget loads, so
// the 'imbaChat.loaded' event is heard; a visitor on a site without guests gets no widget: no error.
let noWidget = false;
const widgetProblem = (error) => noWidget || fail(error.message);
$('open-chat').addEventListener('click', () => openChat().catch(widgetProblem));
$('close-chat').addEventListener('click', () => closeChat().catch(widgetProblem));
onWidget('imbaChat.loaded', () => {
  $('widget-events').textContent = 'The widget said: imbaChat.loaded.';
}).catch(widgetProblem);
embedChat(document.querySelector('#public .public-chat'), { slug: 'playground-public', name: 'Playground public chat' }).catch(widgetProblem);

const jwt = sessionStorage.getItem(JWT_KEY);
(jwt ? startAsUser(jwt) : startAsVisitor()).catch((error) => fail(error.message));
