import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface SecondInstance {
  url: string;
  process: ChildProcess;
}

/**
 * Boots the playground in a process of its own (Strapi keeps one instance per process) on the
 * database this process's environment names, with `env` over it; answers its URL once it listens.
 */
export const startSecondInstance = async (env: Record<string, string> = {}): Promise<SecondInstance> => {
  const child = spawn(process.execPath, [path.join(__dirname, 'second-instance.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) resolve(`http://127.0.0.1:${JSON.parse(line).port}`);
    });
    child.on('exit', (code) => reject(new Error(`the second instance exited with ${code}`)));
  });
  return { url, process: child };
};
