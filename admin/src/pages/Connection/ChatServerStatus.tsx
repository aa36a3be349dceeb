import { Badge, Button, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography, VisuallyHidden } from '@strapi/design-system';
import { ArrowClockwise, Lock } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import type { ChatServerCall, ChatServerRoute, ChatServerRouteStatus, Lockout, StatusResponse } from '../../../../contract';
import { RelativeTime } from '../../components/RelativeTime';
import { Heading, Section } from '../../components/Section';
import type { ChatServerStatusState } from '../../hooks/use-chat-server-status';
import { useRequestError } from '../../hooks/use-request-error';
import { t } from '../../utils/translation';

/** The chat-server routes in the cabinet's order; the version last (anyone may call it). */
const ROUTE_ORDER: ChatServerRoute[] = ['usersInfo', 'search', 'authUsers', 'notifications', 'friends', 'version'];

const StatusBadge = ({ status }: { status: number }) => {
  const good = status >= 200 && status < 300;
  return (
    <Badge backgroundColor={good ? 'success100' : 'danger100'} textColor={good ? 'success700' : 'danger700'}>
      {status}
    </Badge>
  );
};

/** "2 minutes ago · 200 · from 203.0.113.7" */
const Call = ({ call, now }: { call: ChatServerCall; now: number }) => {
  const { formatMessage } = useIntl();
  return (
    <Flex gap={2} alignItems="center" wrap="wrap">
      <Typography variant="omega">
        <RelativeTime at={call.at} now={now} />
      </Typography>
      <StatusBadge status={call.status} />
      <Typography variant="pi" textColor="neutral600">
        {formatMessage(t('status.from'), { ip: call.ip })}
      </Typography>
    </Flex>
  );
};

const RouteRow = ({ route, now }: { route: ChatServerRouteStatus; now: number }) => {
  const { formatMessage } = useIntl();
  return (
    <Tr data-testid={`status-route-${route.route}`}>
      <Td>
        <Typography variant="omega" fontWeight="bold">
          {formatMessage(t(`endpoints.${route.route}`))}
        </Typography>
      </Td>
      <Td data-testid={`status-route-${route.route}-last`}>
        {route.lastCall ? <Call call={route.lastCall} now={now} /> : <Typography textColor="neutral600">{formatMessage(t('status.never'))}</Typography>}
      </Td>
      <Td data-testid={`status-route-${route.route}-failure`}>
        {route.lastFailure ? (
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="omega" textColor="danger700">
              {formatMessage(t(`status.reason.${route.lastFailure.reason}`))}
            </Typography>
            <Call call={route.lastFailure} now={now} />
          </Flex>
        ) : (
          <Typography textColor="neutral600">{formatMessage(t('status.no-failure'))}</Typography>
        )}
      </Td>
    </Tr>
  );
};

interface LockoutsProps {
  lockouts: Lockout[];
  now: number;
  canUnlock: boolean;
  onUnlocked(response: StatusResponse): void;
  onGone(): void;
}

/** Who is locked out now, until when, and Unlock for an admin who may change the settings. */
const Lockouts = ({ lockouts, now, canUnlock, onUnlocked, onGone }: LockoutsProps) => {
  const { formatMessage } = useIntl();
  const { del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const requestError = useRequestError();
  const [unlocking, setUnlocking] = useState<string | null>(null);

  const unlock = async (lockout: Lockout) => {
    setUnlocking(lockout.key);
    try {
      const { data } = await del<StatusResponse>(`/imbachat/status/lockouts/${encodeURIComponent(lockout.key)}`);
      onUnlocked(data);
      toggleNotification({ type: 'success', message: formatMessage(t('lockouts.unlocked'), { subject: lockout.subject }) });
    } catch (error) {
      toggleNotification({ type: 'danger', message: requestError.message(error) });
      onGone();
    } finally {
      setUnlocking(null);
    }
  };

  if (lockouts.length === 0) {
    return (
      <Typography variant="omega" textColor="neutral600" data-testid="lockouts-none">
        {formatMessage(t('lockouts.none'))}
      </Typography>
    );
  }
  return (
    <Table colCount={5} rowCount={lockouts.length + 1} data-testid="lockouts">
      <Thead>
        <Tr>
          <Th>
            <Typography variant="sigma">{formatMessage(t('lockouts.who'))}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{formatMessage(t('lockouts.why'))}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{formatMessage(t('lockouts.failures'))}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{formatMessage(t('lockouts.until'))}</Typography>
          </Th>
          <Th>
            <VisuallyHidden>{formatMessage(t('lockouts.unlock'))}</VisuallyHidden>
          </Th>
        </Tr>
      </Thead>
      <Tbody>
        {lockouts.map((lockout) => (
          <Tr key={lockout.key} data-testid="lockout">
            <Td>
              <Flex gap={2} alignItems="center">
                <Lock fill="danger600" width="1.4rem" height="1.4rem" aria-hidden />
                <Typography variant="omega" fontWeight="bold">
                  {lockout.subject}
                </Typography>
              </Flex>
            </Td>
            <Td>
              <Typography variant="omega">{formatMessage(t(`lockouts.kind.${lockout.kind}`))}</Typography>
            </Td>
            <Td>
              <Typography variant="omega">{lockout.failures}</Typography>
            </Td>
            <Td>
              <Typography variant="omega">
                <RelativeTime at={lockout.until} now={now} />
              </Typography>
            </Td>
            <Td>
              {canUnlock && (
                <Button
                  variant="danger-light"
                  size="S"
                  onClick={() => unlock(lockout)}
                  loading={unlocking === lockout.key}
                  aria-label={formatMessage(t('lockouts.unlock-one'), { subject: lockout.subject })}
                >
                  {formatMessage(t('lockouts.unlock'))}
                </Button>
              )}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

interface ChatServerStatusProps {
  state: ChatServerStatusState;
  now: number;
  canUnlock: boolean;
}

/** What ImbaChat's chat server has done lately: per route the last call and the last failure, and the lockouts. */
export const ChatServerStatus = ({ state, now, canUnlock }: ChatServerStatusProps) => {
  const { formatMessage } = useIntl();
  const { status, error } = state;
  const routes = status ? ROUTE_ORDER.map((name) => status.routes.find((route) => route.route === name)).filter((route): route is ChatServerRouteStatus => !!route) : [];

  return (
    <Section title={formatMessage(t('status.title'))} grid={false} testId="chat-server-status">
      <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
        <Typography variant="pi" textColor="neutral600" style={{ flex: '1 1 40rem' }}>
          {formatMessage(t('status.description'))}
        </Typography>
        <Button variant="tertiary" size="S" startIcon={<ArrowClockwise />} onClick={() => state.refresh()} data-testid="status-refresh">
          {formatMessage(t('status.refresh'))}
        </Button>
      </Flex>
      {error && (
        <Typography textColor="danger600" data-testid="status-error">
          {formatMessage(t('status.error'), { error })}
        </Typography>
      )}
      {status && (
        <>
          <Table colCount={3} rowCount={routes.length + 1} data-testid="status-routes">
            <Thead>
              <Tr>
                <Th>
                  <Typography variant="sigma">{formatMessage(t('status.route'))}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{formatMessage(t('status.last-call'))}</Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{formatMessage(t('status.last-failure'))}</Typography>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {routes.map((route) => (
                <RouteRow key={route.route} route={route} now={now} />
              ))}
            </Tbody>
          </Table>
          <Flex direction="column" alignItems="stretch" gap={3} paddingTop={2}>
            <Heading tag="h3" title={formatMessage(t('lockouts.title'))} description={formatMessage(t('lockouts.description'))} />
            <Lockouts lockouts={status.lockouts} now={now} canUnlock={canUnlock} onUnlocked={state.update} onGone={() => void state.refresh()} />
          </Flex>
        </>
      )}
    </Section>
  );
};
