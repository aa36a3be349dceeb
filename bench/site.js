// Starts bench/server.js and talks to it: shared by the benchmark and the load script.
const { fork } = require('node:child_process');
const path = require('node:path');

const startSite = () =>
  new Promise((resolve, reject) => {
    // BENCH_CPU_PROF=dir: the site runs under node --cpu-prof and writes its profile there on stop.
    const execArgv = ['--expose-gc'];
    if (process.env.BENCH_CPU_PROF) execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
    const child = fork(path.join(__dirname, 'server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    let next = 0;
    const pending = new Map();
    child.on('message', (message) => {
      if (message.ready) {
        const { ready, ...info } = message;
        const call = (command, args = {}) =>
          new Promise((done, fail) => {
            next += 1;
            pending.set(next, { done, fail });
            child.send({ id: next, command, ...args });
          });
        resolve({ ...info, pid: child.pid, baseUrl: `http://127.0.0.1:${info.port}`, call });
        return;
      }
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.error) waiting.fail(new Error(message.error));
      else waiting.done(message.result);
    });
    child.on('exit', (code) => reject(new Error(`the benchmark site exited with ${code}`)));
  });

module.exports = { startSite };
