import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useFetchClient, useForm } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import type { ApiTestRequest, ApiTestResult, PickerUser } from '../../../../contract';
import { Section } from '../../components/Section';
import { useRequestError } from '../../hooks/use-request-error';
import { formCredentials } from '../../utils/api-test';
import type { PageValues } from '../../utils/form-values';
import { t } from '../../utils/translation';
import { TestResult } from './TestResult';
import { UserPicker } from './UserPicker';

interface TestApiPanelProps {
  canTest: boolean;
  /** A run that tested the saved credentials: the checklist's "Test API passed" may have changed. */
  onTested(): void;
}

/**
 * Test API: asks your users info URL for the users picked, as ImbaChat's chat server does, with
 * the API login and password the form holds (saved or not), and shows what the chat would show.
 */
export const TestApiPanel = ({ canTest, onTested }: TestApiPanelProps) => {
  const { formatMessage } = useIntl();
  const { post } = useFetchClient();
  const requestError = useRequestError();
  const values = useForm('ImbaChatTestApi', (form) => form.values as PageValues);
  const initialValues = useForm('ImbaChatTestApi', (form) => form.initialValues as PageValues);
  const [users, setUsers] = useState<PickerUser[]>([]);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ApiTestResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const credentials = formCredentials(values, initialValues);
  const unsaved = Object.keys(credentials).length > 0;

  const run = async () => {
    setRunning(true);
    setFailure(null);
    try {
      const body: ApiTestRequest = { user_ids: users.map((user) => user.id).join(','), ...credentials };
      const { data } = await post<ApiTestResult, ApiTestRequest>('/imbachat/settings/test', body);
      setResult(data);
      if (data.credentials ? data.credentials === 'saved' : !unsaved) onTested();
    } catch (error) {
      setResult(null);
      setFailure(requestError.message(error));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Section title={formatMessage(t('test.title'))} description={formatMessage(t('test.description'))} grid={false} testId="test-api">
      <Flex gap={4} alignItems="flex-start" wrap="wrap">
        <Box style={{ flex: '1 1 36rem' }}>
          <UserPicker value={users} onChange={setUsers} disabled={!canTest} />
        </Box>
        <Box paddingTop={6}>
          <Button startIcon={<Play />} size="L" onClick={run} loading={running} disabled={!canTest || users.length === 0} data-testid="test-run">
            {formatMessage(t('test.run'))}
          </Button>
        </Box>
      </Flex>
      <Typography variant="pi" textColor={canTest && unsaved ? 'warning700' : 'neutral600'} data-testid="test-uses">
        {formatMessage(t(!canTest ? 'page.needs-update' : unsaved ? 'test.uses.form' : 'test.uses.saved'))}
      </Typography>
      {failure && (
        <Typography textColor="danger600" data-testid="test-failure">
          {formatMessage(t('test.failed'), { error: failure })}
        </Typography>
      )}
      {result && <TestResult result={result} />}
    </Section>
  );
};
