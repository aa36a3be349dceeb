/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * README against the code: the user's three steps come first, its links land, its settings, routes
 * and client calls are the ones the code has.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as client from '../../client/src';
import * as react from '../../react/src';
import { checkSettingsUpdate, SETTING_KEYS } from '../../contract';
import adminRoutes from '../../server/src/routes/admin';
import contentRoutes from '../../server/src/routes/content-api';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const lines = README.split('\n');

/** The headings outside code blocks. */
const headings = (() => {
  let fenced = false;
  const found: { line: number; level: number; text: string }[] = [];
  lines.forEach((line, index) => {
    if (line.startsWith('```')) fenced = !fenced;
    const match = !fenced && /^(#{1,6}) (.*)$/.exec(line);
    if (match) found.push({ line: index + 1, level: match[1].length, text: match[2] });
  });
  return found;
})();

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
const anchors = (() => {
  const seen = new Map<string, number>();
  return headings.map(({ text }) => {
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    return count ? `${slug}-${count}` : slug;
  });
})();

/** The first JSON code block after `marker`. */
const codeAfter = (marker: string) => {
  const start = README.indexOf(marker);
  expect(start).toBeGreaterThanOrEqual(0);
  const open = README.indexOf('```json', start);
  const body = README.indexOf('\n', open) + 1;
  return README.slice(body, README.indexOf('\n```', body));
};

describe('README', () => {
  it('starts with the user: Install, Connect the ImbaChat cabinet, Front end, within its first 250 lines', () => {
    const steps = ['1. Install', '2. Connect the ImbaChat cabinet', '3. Front end'].map((text) => headings.find((h) => h.text === text));
    expect(steps.every(Boolean)).toBe(true);
    const at = steps.map((step) => step!.line);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(at[2]).toBeLessThanOrEqual(250);
    const firstAfter = headings.find((h) => h.level === 2 && h.line > at[2]);
    expect(firstAfter!.line).toBeLessThanOrEqual(250);
  });

  it('links only to headings it has', () => {
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((anchor) => !anchors.includes(anchor))).toEqual([]);
  });

  it('lists every setting in its table, and sets every setting, validly, in the admin API example', () => {
    const inTable = (key: string) => new RegExp(`^\\| [^|]*\`${key}\`[^|]*\\|`, 'm').test(README);
    expect(SETTING_KEYS.filter((key) => !inTable(key))).toEqual([]);
    const example = JSON.parse(codeAfter('Every setting in one request')) as Record<string, unknown>;
    expect(Object.keys(example).sort()).toEqual([...SETTING_KEYS].sort());
    expect(checkSettingsUpdate(example).problems).toEqual([]);
  });

  it('names every route the plugin serves', () => {
    for (const { method, path: route } of adminRoutes.routes) expect(README).toContain(`${method} /imbachat${route}`);
    for (const { method, path: route } of contentRoutes.routes) {
      const named = README.includes(`${method} /api/imbachat${route}`) || README.includes(`${method} ${route.replace(/^\/v1/, '')}`);
      expect({ route: `${method} ${route}`, named }).toEqual({ route: `${method} ${route}`, named: true });
    }
  });

  it('imports from the client and the React entry only what they export', () => {
    const imported = (entry: string) =>
      [...README.matchAll(new RegExp(`import \\{([^}]*)\\} from '${entry}'`, 'g'))].flatMap((match) =>
        match[1].split(',').map((name) => name.trim()).filter((name) => name && !name.startsWith('type '))
      );
    const fromClient = imported('strapi-plugin-imbachat/client');
    const fromReact = imported('strapi-plugin-imbachat/react');
    expect(fromClient.length).toBeGreaterThan(0);
    expect(fromReact.length).toBeGreaterThan(0);
    expect(fromClient.filter((name) => !(name in client))).toEqual([]);
    expect(fromReact.filter((name) => !(name in react))).toEqual([]);
  });

  it('calls every client function it documents by a name the client exports', () => {
    for (const name of ['loadImbaChat', 'fetchChatToken', 'fetchWidget', 'openDialog', 'isNotLoaded', 'scriptUrlAllowed']) {
      expect(README).toContain(`\`${name}`);
      expect(typeof (client as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
