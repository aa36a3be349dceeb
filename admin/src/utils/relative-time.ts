/** The largest unit that fits, as Intl.RelativeTimeFormat takes it: "2 minutes ago", "in 14 minutes". */
export type RelativeUnit = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'year';

const STEPS: [RelativeUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * How far `at` is from `now` in whole units, negative in the past. Under a minute it counts
 * seconds, and under 10 seconds it is 0 seconds ("now" with numeric "auto").
 */
export const relativeTime = (at: string | number, now: number): { value: number; unit: RelativeUnit } => {
  const seconds = ((typeof at === 'number' ? at : Date.parse(at)) - now) / 1000;
  const size = Math.abs(seconds);
  const sign = seconds < 0 ? -1 : 1;
  for (const [unit, length] of STEPS) {
    if (size >= length) return { value: sign * Math.floor(size / length), unit };
  }
  return { value: size < 10 ? 0 : sign * Math.floor(size), unit: 'second' };
};

/** Whether `at` is at most `seconds` before `now` (a time in the future counts as within). */
export const within = (at: string | null | undefined, seconds: number, now: number): boolean =>
  !!at && now - Date.parse(at) <= seconds * 1000;
