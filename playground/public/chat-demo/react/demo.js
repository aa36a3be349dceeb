// The React variant of the chat demo: <ImbaChat> loads the widget, useImbaChat() shows its state and
// makes the widget's calls (openDialog with a dialog token for the logged-in user, openChat,
// closeChat, joinRoom, onWidget), <ImbaChatRoom> embeds a public chat. Plain createElement (h) instead of JSX, and the playground's URLs for what a front
// end imports as 'react', 'react-dom/client' and 'strapi-plugin-imbachat/react': no build step.
import { StrictMode, createElement as h, useEffect, useState } from '/chat-demo/react/react.mjs';
import { createRoot } from '/chat-demo/react/react-dom-client.mjs';
import { ImbaChat, ImbaChatRoom, useImbaChat } from '/chat-demo/imbachat-react.mjs';

const strapiUrl = window.location.origin;
const JWT_KEY = 'imbachat-demo-jwt';

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

const statusText = ({ status, userId }, me) =>
  ({
    idle: 'Starting…',
    loading: 'Loading the chat…',
    ready: userId === null ? 'You are a visitor: the guest chat is loaded. Log in to chat as a site user.' : `Chat loaded for ${me?.id === userId ? me.username : `user ${userId}`}.`,
    'guests-off': 'The chat is for site users only: log in to chat.',
    'logged-out': 'Logged out: the chat keeps your session until the page reloads.',
    error: 'The chat could not load.',
  })[status];

function ChatStatus({ me, problem }) {
  const chat = useImbaChat();
  const message = problem ?? chat.error?.message;
  return h(
    'div',
    null,
    h('p', { id: 'status', role: 'status', 'data-status': chat.status }, statusText(chat, me)),
    message ? h('p', { id: 'error', role: 'alert' }, message) : null
  );
}

function LoginForm({ onLogIn }) {
  const [problem, setProblem] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const { jwt } = await api('/auth/local', { body: { identifier: form.get('identifier'), password: form.get('password') } });
      onLogIn(jwt);
    } catch (error) {
      setProblem(`Login failed: ${error.message}`);
    }
  };
  return h(
    'section',
    { id: 'login' },
    h('h2', null, 'Log in'),
    h(
      'form',
      { id: 'login-form', onSubmit: submit },
      h('label', null, 'Username or email ', h('input', { name: 'identifier', autoComplete: 'username', required: true })),
      h('label', null, 'Password ', h('input', { name: 'password', type: 'password', autoComplete: 'current-password', required: true })),
      h('button', { type: 'submit' }, 'Log in')
    ),
    problem ? h('p', { id: 'login-error', role: 'alert' }, problem) : null,
    h('p', { className: 'hint' }, 'Seeded users: alice, bob and carol, password ', h('code', null, 'Imbachat-user-1'), '; mallory is blocked.')
  );
}

function People({ jwt, me, onProblem }) {
  const { openDialog } = useImbaChat();
  const [users, setUsers] = useState([]);
  useEffect(() => {
    api('/users?fields[0]=username&fields[1]=displayName&filters[blocked][$ne]=true&sort=id', { jwt }).then(setUsers, (error) => onProblem(error.message));
  }, [jwt]);
  return h(
    'ul',
    { id: 'people' },
    users
      .filter((user) => user.id !== me.id)
      .map((user) =>
        h(
          'li',
          { key: user.id },
          h('span', null, user.displayName || user.username),
          // Waits for the widget when it is not ready yet; refuses at once when there is no chat for this
          // visitor. The session's JWT gets a dialog token from the site first; a refusal has a code.
          h('button', { type: 'button', 'data-user-id': user.id, onClick: () => openDialog(user.id).catch((error) => onProblem(`${error.message} (${error.code ?? error.status})`)) }, 'Write message')
        )
      )
  );
}

function GroupChat({ onProblem }) {
  const { joinRoom } = useImbaChat();
  const join = () => joinRoom({ pipe: 'playground-lobby', title: 'Playground lobby', isPublic: true }).catch((error) => onProblem(error.message));
  return h('div', null, h('h2', null, 'Group chat'), h('button', { id: 'join-room', type: 'button', onClick: join }, 'Join "Playground lobby"'));
}

function WidgetWindow({ onProblem }) {
  const { openChat, closeChat, onWidget, status } = useImbaChat();
  const [heard, setHeard] = useState(null);
  // Listens from the first render, so the widget's 'imbaChat.loaded' is heard; unsubscribes on unmount.
  useEffect(() => {
    const off = onWidget('imbaChat.loaded', () => setHeard('imbaChat.loaded'));
    off.catch(() => undefined);
    return () => {
      off.then((unsubscribe) => unsubscribe(), () => undefined);
    };
  }, []);
  if (status === 'guests-off') return null;
  return h(
    'section',
    { id: 'widget' },
    h('h2', null, 'The chat window'),
    h('p', { className: 'hint' }, "The site's own buttons: ", h('code', null, 'openChat()'), ', ', h('code', null, 'closeChat()'), '. ', h('span', { id: 'widget-events' }, heard ? `The widget said: ${heard}.` : 'Waiting for the widget…')),
    h('button', { id: 'open-chat', type: 'button', onClick: () => openChat().catch((error) => onProblem(error.message)) }, 'Open the chat'),
    h('button', { id: 'close-chat', type: 'button', onClick: () => closeChat().catch((error) => onProblem(error.message)) }, 'Close the chat')
  );
}

function PublicChat() {
  const { status } = useImbaChat();
  const [mounts, setMounts] = useState(0);
  if (status === 'guests-off') return null;
  return h(
    'section',
    { id: 'public' },
    h('h2', null, 'Public chat in the page'),
    h('p', { className: 'hint' }, h('code', null, '<ImbaChatRoom slug name />'), ': one ', h('code', null, 'placeHolder'), ' per mount, StrictMode included. Remounts: ', h('span', { id: 'room-mounts' }, mounts), '.'),
    h(ImbaChatRoom, { key: mounts, slug: 'playground-public', name: 'Playground public chat', className: 'public-chat-room' }),
    h('button', { id: 'remount-room', type: 'button', onClick: () => setMounts((n) => n + 1) }, 'Remount <ImbaChatRoom>')
  );
}

function App() {
  const [jwt, setJwt] = useState(() => sessionStorage.getItem(JWT_KEY));
  const [me, setMe] = useState(null);
  const [problem, setProblem] = useState(null);
  // For the buttons that show <ImbaChat> loading the widget once, however often it renders or remounts.
  const [renders, setRenders] = useState(0);
  const [mounts, setMounts] = useState(0);

  useEffect(() => {
    setMe(null);
    if (jwt) api('/users/me', { jwt }).then(setMe, (error) => setProblem(error.message));
  }, [jwt]);

  const logIn = (next) => {
    sessionStorage.setItem(JWT_KEY, next);
    setProblem(null);
    setJwt(next);
  };
  // The widget cannot be unloaded: reloading the page is what ends the user's chat session in it.
  const logOut = () => {
    sessionStorage.removeItem(JWT_KEY);
    window.location.reload();
  };

  return h(
    'main',
    null,
    h(
      'header',
      null,
      h('h1', null, 'ImbaChat demo (React)'),
      h('p', null, 'A React front end of this Strapi site that shows the chat with ', h('code', null, '<ImbaChat>'), ' and ', h('code', null, 'useImbaChat()'), ' from ', h('code', null, 'strapi-plugin-imbachat/react'), '. ', h('a', { href: '/chat-demo/' }, 'Plain JavaScript variant'), '.')
    ),
    // The page's own options win over the site's (Settings → ImbaChat); a new object each render changes nothing.
    h(ImbaChat, { key: mounts, strapiUrl, jwt, options: { position: 'left' } }),
    h(ChatStatus, { me, problem }),
    jwt
      ? h(
          'section',
          { id: 'account' },
          h('p', null, 'Logged in as ', h('strong', { id: 'me' }, me ? me.displayName || me.username : '…'), '. ', h('button', { id: 'logout', type: 'button', onClick: logOut }, 'Log out')),
          h('h2', null, 'People'),
          me ? h(People, { jwt, me, onProblem: setProblem }) : null,
          h(GroupChat, { onProblem: setProblem })
        )
      : h(LoginForm, { onLogIn: logIn }),
    h(WidgetWindow, { onProblem: setProblem }),
    h(PublicChat),
    h(
      'section',
      { id: 'lifecycle' },
      h('h2', null, 'One widget'),
      h('p', { className: 'hint' }, 'The page runs in StrictMode; rendering or remounting ', h('code', null, '<ImbaChat>'), ' never loads the widget again. Renders: ', h('span', { id: 'renders' }, renders), ', remounts: ', h('span', { id: 'mounts' }, mounts), '.'),
      h('button', { id: 'rerender', type: 'button', onClick: () => setRenders((n) => n + 1) }, 'Re-render'),
      ' ',
      h('button', { id: 'remount', type: 'button', onClick: () => setMounts((n) => n + 1) }, 'Remount <ImbaChat>')
    )
  );
}

createRoot(document.getElementById('root')).render(h(StrictMode, null, h(App)));
