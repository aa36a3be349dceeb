import { Avatar, Badge, Box, Flex, Link, TextButton, Typography } from '@strapi/design-system';
import { CaretDown, CaretUp, CheckCircle, WarningCircle } from '@strapi/icons';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import type { ApiTestResult, ChatUser } from '../../../../contract';
import { verdictOf, type Verdict } from '../../utils/api-test';
import { t } from '../../utils/translation';

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join('');

/** One user as the chat will show them: avatar, name, id, and what else the chat receives. */
const ChatUserRow = ({ user }: { user: ChatUser }) => {
  const { formatMessage } = useIntl();
  const extras = [
    user.chat_role && formatMessage(t(`roles.chat-role.${user.chat_role}`)),
    user.badge !== undefined && formatMessage(t('test.user.badge'), { badge: String(user.badge) }),
    user.email && user.email,
  ].filter(Boolean);
  return (
    <Flex gap={3} alignItems="center" data-testid={`test-user-${user.user_id}`}>
      <Avatar.Item src={user.avatar_url} alt="" fallback={initials(user.name)} />
      <Flex direction="column" alignItems="flex-start" gap={0}>
        <Flex gap={2} alignItems="baseline" wrap="wrap">
          <Typography variant="omega" fontWeight="bold">
            {user.profile_url ? (
              <Link href={user.profile_url} isExternal>
                {user.name}
              </Link>
            ) : (
              user.name
            )}
          </Typography>
          <Typography variant="pi" textColor="neutral600">
            #{user.user_id}
          </Typography>
        </Flex>
        {extras.length > 0 && (
          <Typography variant="pi" textColor="neutral600">
            {extras.join(' · ')}
          </Typography>
        )}
      </Flex>
    </Flex>
  );
};

const sentence = (verdict: Verdict, formatMessage: ReturnType<typeof useIntl>['formatMessage']) => {
  switch (verdict.kind) {
    case 'ok':
      return formatMessage(t('test.ok'), { count: verdict.users.length });
    case 'unreachable':
      return formatMessage(t('test.unreachable'), { reason: verdict.reason });
    case 'status':
      return formatMessage(t('test.status-other'), { status: verdict.status });
    default:
      return formatMessage(t(`test.${verdict.kind}`));
  }
};

/** What Test API found, for a person: whose credentials, a verdict in words, the users, then the raw answer. */
export const TestResult = ({ result }: { result: ApiTestResult }) => {
  const { formatMessage } = useIntl();
  const [raw, setRaw] = useState(false);
  const verdict = verdictOf(result);
  const good = verdict.kind === 'ok';
  const Icon = good ? CheckCircle : WarningCircle;
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="test-result" data-ok={String(good)}>
      <Flex gap={2} alignItems="flex-start">
        <Icon fill={good ? 'success600' : 'danger600'} width="2rem" height="2rem" aria-hidden style={{ flexShrink: 0 }} />
        <Typography fontWeight="semiBold" textColor={good ? 'success700' : 'danger700'} data-testid="test-verdict">
          {sentence(verdict, formatMessage)}
        </Typography>
      </Flex>
      {result.credentials && (
        <Typography variant="pi" textColor="neutral600" data-testid="test-credentials">
          {formatMessage(t(result.credentials === 'form' ? 'test.credentials.form' : 'test.credentials.saved'))}
        </Typography>
      )}
      {verdict.kind === 'ok' && (
        <Flex direction="column" alignItems="stretch" gap={3} paddingTop={1} paddingBottom={1} data-testid="test-users-shown">
          {verdict.users.map((user) => (
            <ChatUserRow key={user.user_id} user={user} />
          ))}
        </Flex>
      )}
      <Flex gap={3} alignItems="center" wrap="wrap">
        <Badge backgroundColor={result.ok ? 'success100' : 'danger100'} textColor={result.ok ? 'success700' : 'danger700'}>
          {result.status ? formatMessage(t('test.status'), { status: result.status, ms: result.durationMs }) : formatMessage(t('test.no-answer'))}
        </Badge>
        <Typography variant="pi" textColor="neutral600" style={{ overflowWrap: 'anywhere' }}>
          {result.url}
        </Typography>
      </Flex>
      <Box>
        <TextButton
          onClick={() => setRaw(!raw)}
          endIcon={raw ? <CaretUp /> : <CaretDown />}
          aria-expanded={raw}
          data-testid="test-raw-toggle"
        >
          {formatMessage(t(raw ? 'test.raw.hide' : 'test.raw.show'))}
        </TextButton>
      </Box>
      {raw && (
        <Box background="neutral100" padding={3} hasRadius data-testid="test-raw">
          <Typography tag="pre" variant="pi" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontFamily: 'monospace', margin: 0 }}>
            {JSON.stringify(result.body, null, 2)}
          </Typography>
        </Box>
      )}
    </Flex>
  );
};
