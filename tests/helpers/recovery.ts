import type { Response, Test } from 'supertest';

/** One try of a check: the answer's status (0: none came) and why it is not the right answer (null: it is). */
export interface Attempt {
  status: number;
  wrong: string | null;
}

/** Something a site must keep doing across a database restart, tried the way its client tries it. */
export interface Check<Context> {
  name: string;
  attempt(context: Context): Promise<Attempt>;
}

/** How long any one request may take before it counts as hanging. */
export const ANSWER_WITHIN_MS = 3000;

/**
 * Sends the request with a deadline and judges the answer: a request that hangs, or a connection
 * that breaks, is an attempt with status 0 rather than a test that waits for jest's timeout.
 */
export const judge = async (request: Test, wrong: (res: Response) => string | null): Promise<Attempt> => {
  try {
    const res = await request.timeout({ deadline: ANSWER_WITHIN_MS });
    return { status: res.status, wrong: wrong(res) };
  } catch (error) {
    return { status: 0, wrong: `no answer: ${(error as Error).message}` };
  }
};

/** `wrong` for an answer that must have this status and pass `holds`. */
export const expecting =
  (status: number, holds: (body: any, res: Response) => boolean, what: string) =>
  (res: Response): string | null => {
    if (res.status !== status) return `${res.status} ${res.text.slice(0, 200)}`;
    return holds(res.body, res) ? null : `${what}: ${res.text.slice(0, 200)}`;
  };

export interface Timed extends Attempt {
  name: string;
  ms: number;
}

/** One attempt, timed. */
export const timedAttempt = async <Context>(check: Check<Context>, context: Context): Promise<Timed> => {
  const started = Date.now();
  const attempt = await check.attempt(context);
  return { name: check.name, ms: Date.now() - started, ...attempt };
};

/**
 * Tries the check every `everyMs` until it answers right; `ms` counts from `since` to that right
 * answer (Infinity when none came within `withinMs`), and the last attempt says why.
 */
export const untilRight = async <Context>(
  check: Check<Context>,
  context: Context,
  { since, withinMs, everyMs = 100 }: { since: number; withinMs: number; everyMs?: number }
): Promise<Timed> => {
  for (;;) {
    const attempt = await check.attempt(context);
    if (attempt.wrong === null) return { name: check.name, ms: Date.now() - since, ...attempt };
    if (Date.now() - since > withinMs) return { name: check.name, ms: Infinity, ...attempt };
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};
