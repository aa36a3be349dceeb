import { Badge, Box, Button, Field, Flex, Grid, Link, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { isFetchError, useFetchClient, useRBAC } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { NavLink } from 'react-router-dom';
import { Cell, Section } from '../../components/Section';
import { useRequestError } from '../../hooks/use-request-error';
import { t } from '../../utils/translation';

/** The Strapi webhook event every notification is emitted as (server/src/services/notification-events.ts). */
export const NOTIFICATION_EVENT = 'imbachat.notification';

/** Strapi's own webhook permissions: its routes enforce them; the panel only follows them. */
const WEBHOOK_PERMISSIONS = {
  read: [{ action: 'admin::webhooks.read', subject: null }],
  create: [{ action: 'admin::webhooks.create', subject: null }],
};

/** A webhook as GET /admin/webhooks answers it. */
interface Webhook {
  id: number | string;
  name: string;
  url: string;
  isEnabled: boolean;
  events: string[];
}

/**
 * Names Settings → Webhooks can save (its form's own rule; the API takes any): one made here stays
 * editable there. URLs as that form takes them.
 */
const NAME_PATTERN = /^[A-Za-z][_0-9A-Za-z ]*$/;
const URL_PATTERN = /^https?:\/\/\S+$/;

const isForbidden = (error: unknown) => isFetchError(error) && error.status === 403;

/**
 * "Send notifications to a webhook": Strapi's webhooks subscribed to `imbachat.notification`, each
 * linked to Settings → Webhooks, and a form that makes one. Settings → Webhooks offers only Strapi's
 * own events, so this is where an admin subscribes one; the list is for admins with
 * `admin::webhooks.read`, the form for those with `admin::webhooks.create`.
 */
export const WebhooksPanel = () => {
  const { formatMessage } = useIntl();
  const { get, post } = useFetchClient();
  const requestError = useRequestError();
  const {
    isLoading,
    allowedActions: { canRead, canCreate },
  } = useRBAC(WEBHOOK_PERMISSIONS);
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const { data } = await get<{ data: Webhook[] }>('/admin/webhooks');
      setWebhooks(data.data.filter((webhook) => Array.isArray(webhook.events) && webhook.events.includes(NOTIFICATION_EVENT)));
      setLoadError(null);
    } catch (error) {
      setWebhooks(null);
      setLoadError(isForbidden(error) ? formatMessage(t('webhooks.forbidden')) : formatMessage(t('webhooks.load-failed'), { error: requestError.message(error) }));
    }
  }, [get, formatMessage, requestError]);

  useEffect(() => {
    if (canRead) load();
  }, [canRead, load]);

  if (isLoading || (!canRead && !canCreate)) return null;

  const nameInvalid = name.trim() !== '' && !NAME_PATTERN.test(name.trim());
  const urlInvalid = url.trim() !== '' && !URL_PATTERN.test(url.trim());

  const create = async () => {
    setCreating(true);
    setCreateError(null);
    setCreated(null);
    try {
      // Strapi's create route refuses `isEnabled` (a key it does not know); a new webhook is enabled.
      await post('/admin/webhooks', { name: name.trim(), url: url.trim(), headers: {}, events: [NOTIFICATION_EVENT] });
      setCreated(name.trim());
      setName('');
      setUrl('');
      if (canRead) await load();
    } catch (error) {
      setCreateError(isForbidden(error) ? formatMessage(t('webhooks.forbidden')) : requestError.message(error));
    } finally {
      setCreating(false);
    }
  };

  return (
    <Section title={formatMessage(t('webhooks.title'))} description={formatMessage(t('webhooks.description'), { event: NOTIFICATION_EVENT })} grid={false} testId="webhooks">
      {canRead && loadError && (
        <Typography textColor="danger600" data-testid="webhooks-load-error">
          {loadError}
        </Typography>
      )}
      {canRead && webhooks && webhooks.length === 0 && (
        <Typography variant="omega" textColor="neutral600" data-testid="webhooks-none">
          {formatMessage(t('webhooks.none'))}
        </Typography>
      )}
      {canRead && webhooks && webhooks.length > 0 && (
        <Table colCount={3} rowCount={webhooks.length + 1} data-testid="webhooks-list">
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">{formatMessage(t('webhooks.name'))}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage(t('webhooks.url'))}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage(t('webhooks.status'))}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {webhooks.map((webhook) => (
              <Tr key={webhook.id} data-testid="webhook-row">
                <Td>
                  <Link tag={NavLink} to={`/settings/webhooks/${webhook.id}`} data-testid="webhook-link">
                    {webhook.name}
                  </Link>
                </Td>
                <Td>
                  <Typography textColor="neutral800" style={{ wordBreak: 'break-all' }}>
                    {webhook.url}
                  </Typography>
                </Td>
                <Td>
                  <Badge active={webhook.isEnabled}>{formatMessage(t(webhook.isEnabled ? 'webhooks.enabled' : 'webhooks.disabled'))}</Badge>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {canCreate && (
        // Not a <form>: the page's settings form holds this section, and a submit would bubble up to it.
        <Box data-testid="webhook-form">
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Grid.Root gap={5}>
              <Cell>
                <Field.Root name="webhookName" id="imbachat-webhook-name" error={nameInvalid ? formatMessage(t('webhooks.name.invalid')) : undefined} required>
                  <Field.Label>{formatMessage(t('webhooks.name'))}</Field.Label>
                  <TextInput value={name} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setName(e.target.value)} placeholder={formatMessage(t('webhooks.name.placeholder'))} />
                  <Field.Error />
                </Field.Root>
              </Cell>
              <Cell>
                <Field.Root
                  name="webhookUrl"
                  id="imbachat-webhook-url"
                  hint={formatMessage(t('webhooks.url.hint'))}
                  error={urlInvalid ? formatMessage(t('webhooks.url.invalid')) : undefined}
                  required
                >
                  <Field.Label>{formatMessage(t('webhooks.url'))}</Field.Label>
                  <TextInput type="url" value={url} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setUrl(e.target.value)} placeholder="https://push.example.com/hooks/imbachat" />
                  <Field.Hint />
                  <Field.Error />
                </Field.Root>
              </Cell>
            </Grid.Root>
            <Flex gap={4} alignItems="center" wrap="wrap">
              <Button type="button" onClick={create} variant="secondary" startIcon={<Plus />} loading={creating} disabled={!name.trim() || !url.trim() || nameInvalid || urlInvalid} data-testid="webhook-create">
                {formatMessage(t('webhooks.create'))}
              </Button>
              {created && (
                <Typography textColor="success700" data-testid="webhook-created">
                  {formatMessage(t('webhooks.created'), { name: created })}
                </Typography>
              )}
              {createError && (
                <Typography textColor="danger600" data-testid="webhook-create-error">
                  {formatMessage(t('webhooks.create-failed'), { error: createError })}
                </Typography>
              )}
            </Flex>
          </Flex>
        </Box>
      )}
    </Section>
  );
};
