import { useIntl } from 'react-intl';
import type { PublicUrlCheck } from '../../../contract';
import { t } from '../utils/translation';
import { Notice } from './Notice';

const code = (chunks: React.ReactNode[]) => <code key="code">{chunks}</code>;

/**
 * Shown while the address the plugin's URLs are built from is one ImbaChat's chat server cannot
 * reach (plain http, this machine, a private network, or not set): what to change, and why.
 */
export const PublicUrlWarning = ({ check }: { check: PublicUrlCheck | null | undefined }) => {
  const { formatMessage, formatList } = useIntl();
  if (!check || check.reachable) return null;
  const reasons = formatList(
    check.problems.map((problem) => formatMessage(t(`public-url.problem.${problem}`))),
    { type: 'conjunction' }
  );
  return (
    <Notice variant="warning" data-testid="public-url-warning">
      {formatMessage(t('public-url.warning'), { code })}{' '}
      {check.problems.length > 0 && formatMessage(t('public-url.why'), { url: check.url, reasons })}
    </Notice>
  );
};
