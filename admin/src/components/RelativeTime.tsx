import { useIntl } from 'react-intl';
import { relativeTime } from '../utils/relative-time';

/** "2 minutes ago" (or "in 14 minutes"), the date and time itself on hover. */
export const RelativeTime = ({ at, now }: { at: string; now: number }) => {
  const { formatRelativeTime, formatDate } = useIntl();
  const { value, unit } = relativeTime(at, now);
  return (
    <time dateTime={at} title={formatDate(at, { dateStyle: 'medium', timeStyle: 'medium' })}>
      {formatRelativeTime(value, unit, { numeric: 'auto' })}
    </time>
  );
};
