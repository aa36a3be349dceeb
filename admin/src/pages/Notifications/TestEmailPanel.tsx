import { Button, Flex, Typography } from '@strapi/design-system';
import { CheckCircle, Mail, WarningCircle } from '@strapi/icons';
import { useAuth, useFetchClient } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import type { TestEmailResult } from '../../../../contract';
import { Section } from '../../components/Section';
import { useRequestError } from '../../hooks/use-request-error';
import { t } from '../../utils/translation';

interface TestEmailPanelProps {
  /** Strapi's email provider in use, null without the email plugin; undefined when the server does not say. */
  provider: string | null | undefined;
  canSend: boolean;
}

/** "Send a test email" to the signed-in admin's own address, through the provider the site uses, and where it went or why not. */
export const TestEmailPanel = ({ provider, canSend }: TestEmailPanelProps) => {
  const { formatMessage } = useIntl();
  const { post } = useFetchClient();
  const requestError = useRequestError();
  const email = useAuth('ImbaChatTestEmail', (state) => state.user?.email);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<TestEmailResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const send = async () => {
    setSending(true);
    setFailure(null);
    setResult(null);
    try {
      const { data } = await post<{ data: TestEmailResult }>('/imbachat/settings/test-email', {});
      setResult(data.data);
    } catch (error) {
      setFailure(requestError.message(error));
    } finally {
      setSending(false);
    }
  };

  return (
    <Section title={formatMessage(t('test-email.title'))} description={formatMessage(t('test-email.description'))} grid={false} testId="test-email">
      {provider !== undefined && (
        <Typography variant="omega" data-testid="email-provider">
          {provider === null
            ? formatMessage(t('test-email.no-provider'))
            : formatMessage(t('test-email.provider'), { provider: <strong key="provider">{provider}</strong> })}
        </Typography>
      )}
      <Flex gap={4} alignItems="center" wrap="wrap">
        <Button startIcon={<Mail />} variant="secondary" onClick={send} loading={sending} disabled={!canSend} data-testid="test-email-send">
          {formatMessage(t('test-email.send'))}
        </Button>
        {(email || !canSend) && (
          <Typography variant="pi" textColor="neutral600" data-testid="test-email-to">
            {canSend ? formatMessage(t('test-email.to'), { email }) : formatMessage(t('page.needs-update'))}
          </Typography>
        )}
      </Flex>
      {result && (
        <Flex gap={2} alignItems="flex-start" data-testid="test-email-result">
          {result.ok ? (
            <CheckCircle fill="success600" width="1.6rem" height="1.6rem" aria-hidden style={{ flexShrink: 0 }} />
          ) : (
            <WarningCircle fill="danger600" width="1.6rem" height="1.6rem" aria-hidden style={{ flexShrink: 0 }} />
          )}
          <Typography textColor={result.ok ? 'success700' : 'danger700'}>
            {result.ok
              ? formatMessage(t('test-email.sent'), { to: result.to, provider: result.provider })
              : formatMessage(t('test-email.not-sent'), { to: result.to || email || '?', error: result.error ?? '' })}
          </Typography>
        </Flex>
      )}
      {failure && (
        <Typography textColor="danger600" data-testid="test-email-failure">
          {formatMessage(t('test-email.failed'), { error: failure })}
        </Typography>
      )}
    </Section>
  );
};
