import { Badge, Box, Button, Field, Flex, TextInput, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { t, type MessageKey } from '../../utils/translation';
import { Section } from './Section';
import type { ApiTestResult } from '../../../../contract';
import { useRequestError } from './use-request-error';

/** A sentence a person can act on, from what the users info URL answered. */
const verdict = (result: ApiTestResult): { key: MessageKey; count?: number } => {
  if (result.status === 503) return { key: 'test.unconfigured' };
  if (result.status === 401) return { key: 'test.refused' };
  if (result.ok && Array.isArray(result.body)) return { key: 'test.ok', count: result.body.length };
  return { key: 'test.failed' };
};

/** Runs POST /imbachat/settings/test and shows the status, the time and the JSON answer. */
export const TestApiPanel = ({ canTest }: { canTest: boolean }) => {
  const { formatMessage } = useIntl();
  const { post } = useFetchClient();
  const requestError = useRequestError();
  const [userIds, setUserIds] = useState('1');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ApiTestResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const run = async () => {
    setRunning(true);
    setFailure(null);
    try {
      const { data } = await post<ApiTestResult>('/imbachat/settings/test', { user_ids: userIds });
      setResult(data);
    } catch (error) {
      setResult(null);
      setFailure(requestError.message(error));
    } finally {
      setRunning(false);
    }
  };

  const said = result && verdict(result);
  return (
    <Section title={formatMessage(t('test.title'))} description={formatMessage(t('test.description'))} grid={false} testId="test-api">
      <Flex gap={2} alignItems="flex-end">
        <Field.Root name="testUserIds" id="imbachat-test-user-ids" hint={formatMessage(t('test.ids.hint'))}>
          <Field.Label>{formatMessage(t('test.ids.label'))}</Field.Label>
          <TextInput value={userIds} onChange={(event: React.ChangeEvent<HTMLInputElement>) => setUserIds(event.target.value)} />
          <Field.Hint />
        </Field.Root>
        <Box paddingBottom={6}>
          <Button startIcon={<Play />} size="L" onClick={run} loading={running} disabled={!canTest}>
            {formatMessage(t('test.run'))}
          </Button>
        </Box>
      </Flex>
      {failure && (
        <Typography textColor="danger600" data-testid="test-failure">
          {formatMessage(t('test.failed'))}: {failure}
        </Typography>
      )}
      {result && said && (
        <Flex direction="column" alignItems="stretch" gap={2} data-testid="test-result">
          <Flex gap={2}>
            <Badge backgroundColor={result.ok ? 'success100' : 'danger100'} textColor={result.ok ? 'success700' : 'danger700'}>
              {result.status
                ? formatMessage(t('test.status'), { status: result.status, ms: result.durationMs })
                : formatMessage(t('test.no-answer'))}
            </Badge>
            <Typography variant="pi" textColor="neutral600">
              {result.url}
            </Typography>
          </Flex>
          <Typography textColor={result.ok ? 'success700' : 'danger700'}>{formatMessage(t(said.key), { count: said.count })}</Typography>
          <Box background="neutral100" padding={3} hasRadius>
            <Typography tag="pre" variant="pi" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontFamily: 'monospace' }}>
              {JSON.stringify(result.body, null, 2)}
            </Typography>
          </Box>
        </Flex>
      )}
    </Section>
  );
};
