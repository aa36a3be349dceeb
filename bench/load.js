#!/usr/bin/env node
// npm run load: 60 seconds of concurrent users-by-id, search and token requests at the playground
// (production mode, 10,000 users). Prints requests/s, errors, and the server's memory at start and
// end (each after a full garbage collection). Exits non-zero on any error.
const autocannon = require('autocannon');
const { startSite } = require('./site');

const SECONDS = Number(process.env.LOAD_SECONDS || 60);
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

const drive = (name, options) =>
  new Promise((resolve, reject) => {
    autocannon({ connections: 4, duration: SECONDS, ...options }, (error, result) => {
      if (error) return reject(error);
      resolve({ name, rps: result.requests.average, total: result.requests.total, errors: result.errors + result.timeouts + result.non2xx, p99: result.latency.p99 });
    });
  });

(async () => {
  const site = await startSite();
  await site.call('seed', { count: 9_999 });
  const basic = { Authorization: `Basic ${Buffer.from(`${site.login}:${site.password}`).toString('base64')}` };
  const ids = Array.from({ length: 100 }, (_, i) => i * 97 + 2).join(',');
  // Warm up, then take the starting reading.
  await drive('warm-up', { url: `${site.baseUrl}/api/imbachat/v1/users/${ids}`, headers: basic, duration: 3 });
  const before = await site.call('memory');
  console.log(`load: ${SECONDS} s of users-by-id (100 ids), search and chat token, 4 connections each`);
  const results = await Promise.all([
    drive('users-by-id (100 ids)', { url: `${site.baseUrl}/api/imbachat/v1/users/${ids}`, headers: basic }),
    drive('search', {
      url: `${site.baseUrl}/api/imbachat/v1/search`,
      headers: basic,
      requests: ['member1', 'smith', 'Member 42', 'jones', '%', 'nobody'].map((q) => ({ path: `/api/imbachat/v1/search?q=${encodeURIComponent(q)}` })),
    }),
    drive('chat token', { url: `${site.baseUrl}/api/imbachat/token`, headers: { Authorization: `Bearer ${site.jwt}` } }),
  ]);
  const after = await site.call('memory');
  await site.call('stop');

  for (const r of results) {
    console.log(`  ${r.name.padEnd(24)} ${r.rps.toFixed(0).padStart(6)} req/s  ${String(r.total).padStart(7)} requests  ${r.errors} errors  p99 ${r.p99} ms`);
  }
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  console.log(`  server heap used: ${mb(before.heapUsed)} at start, ${mb(after.heapUsed)} at end; rss ${mb(before.rss)} → ${mb(after.rss)}`);
  const growth = (after.heapUsed - before.heapUsed) / before.heapUsed;
  console.log(`  heap growth ${(growth * 100).toFixed(1)} % (flat means within 10 %)`);
  const ok = errors === 0 && growth <= 0.1;
  console.log(`load: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  process.exit(ok ? 0 : 1);
})().catch((error) => {
  console.error(`load: ${error.stack || error}`);
  process.exit(1);
});
