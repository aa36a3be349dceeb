import { Button, Flex } from '@strapi/design-system';
import { ExternalLink } from '@strapi/icons';
import { useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import type { DashboardLink } from '../../../../contract';
import { Section } from '../../components/Section';
import { useRequestError } from '../../hooks/use-request-error';
import { PERMISSIONS } from '../../permissions';
import { t } from '../../utils/translation';

/**
 * "Open the moderation dashboard", for admins whose role has `plugin::imbachat.dashboard.open`.
 * The tab is opened on the click itself (a tab opened after a request is a pop-up browsers block),
 * then sent to the address the server signed.
 */
export const DashboardPanel = () => {
  const { formatMessage } = useIntl();
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const requestError = useRequestError();
  const {
    isLoading,
    allowedActions: { canOpen },
  } = useRBAC(PERMISSIONS.dashboard);
  const [opening, setOpening] = useState(false);

  if (isLoading || !canOpen) return null;

  const open = async () => {
    const tab = window.open('', '_blank');
    if (!tab) {
      toggleNotification({ type: 'warning', message: formatMessage(t('dashboard.popup-blocked')) });
      return;
    }
    // The dashboard is another site's page: it gets no handle on this one.
    tab.opener = null;
    setOpening(true);
    try {
      const { data } = await post<DashboardLink>('/imbachat/dashboard', {});
      tab.location.href = data.url;
    } catch (error) {
      tab.close();
      toggleNotification({ type: 'danger', message: formatMessage(t('dashboard.failed'), { error: requestError.message(error) }) });
    } finally {
      setOpening(false);
    }
  };

  return (
    <Section title={formatMessage(t('dashboard.title'))} description={formatMessage(t('dashboard.description'))} grid={false} testId="dashboard">
      <Flex>
        <Button startIcon={<ExternalLink />} variant="secondary" onClick={open} loading={opening} data-testid="dashboard-open">
          {formatMessage(t('dashboard.open'))}
        </Button>
      </Flex>
    </Section>
  );
};
