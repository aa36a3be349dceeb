#!/usr/bin/env node
// Drives one route for a while under node --cpu-prof and prints where the site's CPU time went:
//   node bench/profile.js token|users100|users1000|search
// BENCH_IDENTITY=true turns on what npm run bench's "chat identity on" rows measure.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { startSite } = require('./site');

const which = process.argv[2] || 'token';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imbachat-prof-'));

const summarize = (file) => {
  const { nodes, samples, timeDeltas } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const self = new Map();
  samples.forEach((id, i) => self.set(id, (self.get(id) || 0) + (timeDeltas[i] || 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const group = (node) => {
    const url = node.callFrame.url || '(native)';
    const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (url.includes('strapi-plugin-imbachat') || url.includes('/dist/server/')) return 'imbachat plugin';
    return m ? m[1] : url.startsWith('node:') ? 'node internals' : url === '(native)' ? `(${node.callFrame.functionName || 'native'})` : path.basename(url);
  };
  const byGroup = new Map();
  const byFunction = new Map();
  for (const [id, time] of self) {
    const node = byId.get(id);
    const g = group(node);
    byGroup.set(g, (byGroup.get(g) || 0) + time);
    const f = `${node.callFrame.functionName || '(anonymous)'} ${g}`;
    byFunction.set(f, (byFunction.get(f) || 0) + time);
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  console.log(`self time by package (${(total / 1e6).toFixed(1)} s sampled):\n${top(byGroup, 15).join('\n')}`);
  console.log(`self time by function:\n${top(byFunction, 20).join('\n')}`);
};

(async () => {
  const site = await startSite();
  await site.call('seed', { count: 9_999 });
  if (process.env.BENCH_IDENTITY === 'true') {
    await site.call('settings', {
      values: {
        chatRoles: true,
        roleMap: { authenticated: { permissions: { video_calls: false } }, moderator: { chat_role: 'admin' } },
        badgeField: 'plan',
        lastLoginField: 'lastVisit',
        trackLastSeen: true,
      },
    });
  }
  const ids = (n) => Array.from({ length: n }, (_, i) => i + 2).join(',');
  const basic = { Authorization: `Basic ${Buffer.from(`${site.login}:${site.password}`).toString('base64')}` };
  const targets = {
    token: [`/api/imbachat/token`, { Authorization: `Bearer ${site.jwt}` }],
    me: [`/api/users/me`, { Authorization: `Bearer ${site.jwt}` }],
    users100: [`/api/imbachat/v1/users/${ids(100)}`, basic],
    users1000: [`/api/imbachat/v1/users?user_ids=${ids(1000)}`, basic],
    search: [`/api/imbachat/v1/search/member9999`, basic],
    health: ['/_health', {}],
  };
  const [route, headers] = targets[which];
  await autocannon({ url: site.baseUrl + route, headers, connections: 10, duration: 2 }); // warm-up
  // Only the load is profiled: start-up and seeding are left out.
  const file = path.join(dir, `${which}.cpuprofile`);
  await site.call('profileStart');
  const result = await autocannon({ url: site.baseUrl + route, headers, connections: 10, duration: 8 });
  await site.call('profileStop', { file });
  console.log(`${which}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, non-2xx ${result.non2xx}`);
  await site.call('stop');
  summarize(file);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
