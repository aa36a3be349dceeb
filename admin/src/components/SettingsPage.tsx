import { Button, Flex } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { Blocker, Form, Layouts, Page, useFetchClient, useNotification, useRBAC, type FormHelpers } from '@strapi/strapi/admin';
import { useCallback, useMemo } from 'react';
import { useIntl } from 'react-intl';
import type { PublicSettings, SettingKey, SettingsResponse, SettingsUpdate } from '../../../contract';
import { useRequestError } from '../hooks/use-request-error';
import { useSettings } from '../hooks/use-settings';
import { PERMISSIONS } from '../permissions';
import { Notice } from './Notice';
import { readSave, SettingsFormError, toFormValues, type PageValues } from '../utils/form-values';
import { t, type MessageKey } from '../utils/translation';

export type PageId = 'connection' | 'users' | 'widget' | 'notifications';

/** What a page's sections need: the saved settings, what the server says besides, and who may change what. */
export interface PageContext {
  settings: PublicSettings;
  meta: SettingsResponse['meta'];
  readOnly: boolean;
  locked(key: SettingKey): boolean;
  /** Read-only for this admin, or locked by config/plugins. */
  disabled(key: SettingKey): boolean;
}

interface SettingsPageProps {
  page: PageId;
  /** The settings this page edits: its form holds these and its Save sends only these. */
  keys: readonly SettingKey[];
  /** The page's sections (components, so they may use hooks), inside its form. */
  children(context: PageContext): React.ReactNode;
}

/**
 * One page of Settings → ImbaChat: loads the settings, and gives its sections a form of their own
 * with its own Save, unsaved-changes guard and validation, read-only without the update permission.
 */
const SettingsPageBody = ({ page, keys, children }: SettingsPageProps) => {
  const { formatMessage } = useIntl();
  const { put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const requestError = useRequestError();
  const {
    isLoading: loadingPermissions,
    allowedActions: { canUpdate },
  } = useRBAC(PERMISSIONS.update);
  const { response, setResponse, loadError } = useSettings();
  const title = formatMessage(t(`page.${page}.title` as MessageKey));

  const initialValues = useMemo(() => (response ? toFormValues(response.data, keys) : null), [response, keys]);

  // <Form> shows what this throws next to the fields and does not call onSubmit.
  const validate = useCallback(
    async (values: PageValues) => {
      if (!response || !initialValues) return values;
      const { problems } = readSave(values, initialValues, response.data.locked);
      if (problems.length === 0) return values;
      toggleNotification({ type: 'danger', message: formatMessage(t('page.invalid')) });
      throw new SettingsFormError(problems);
    },
    [response, initialValues, formatMessage, toggleNotification]
  );

  const onSubmit = useCallback(
    async (values: PageValues, { setErrors, resetForm }: FormHelpers<PageValues>) => {
      if (!response || !initialValues) return;
      const { update } = readSave(values, initialValues, response.data.locked);
      try {
        const { data } = await put<SettingsResponse, SettingsUpdate>('/imbachat/settings', update);
        setResponse(data);
        resetForm(toFormValues(data.data, keys));
        toggleNotification({ type: 'success', message: formatMessage(t('page.saved')) });
      } catch (error) {
        // The server has the last word: its refusals land next to the fields they name.
        setErrors(requestError.fieldErrors(error));
        toggleNotification({ type: 'danger', message: requestError.message(error) });
      }
    },
    [response, initialValues, keys, put, setResponse, formatMessage, toggleNotification, requestError]
  );

  if (loadError !== null) {
    return (
      <Page.Main>
        <Page.Title>{title}</Page.Title>
        <Layouts.Header title={title} />
        <Layouts.Content>
          <Notice variant="danger" data-testid="load-error">
            {formatMessage(t('page.load-error'))}: {loadError}
          </Notice>
        </Layouts.Content>
      </Page.Main>
    );
  }
  if (loadingPermissions || !response || !initialValues) return <Page.Loading />;

  const { data: settings, meta } = response;
  const readOnly = !canUpdate;
  const locked = (key: SettingKey) => settings.locked.includes(key);
  const context: PageContext = { settings, meta, readOnly, locked, disabled: (key) => readOnly || locked(key) };

  return (
    <Page.Main>
      <Page.Title>{`ImbaChat · ${title}`}</Page.Title>
      <Form method="PUT" initialValues={initialValues} validate={validate} onSubmit={onSubmit} disabled={readOnly} width="100%" height="auto">
        {({ modified, isSubmitting }) => (
          <>
            <Blocker />
            <Layouts.Header
              title={title}
              subtitle={formatMessage(t(`page.${page}.subtitle` as MessageKey))}
              primaryAction={
                <Button type="submit" startIcon={<Check />} loading={isSubmitting} disabled={readOnly || !modified} data-testid="save">
                  {formatMessage(t('page.save'))}
                </Button>
              }
            />
            <Layouts.Content>
              <Flex direction="column" alignItems="stretch" gap={6}>
                {readOnly && (
                  <Notice data-testid="read-only">{formatMessage(t('page.read-only'))}</Notice>
                )}
                {children(context)}
              </Flex>
            </Layouts.Content>
          </>
        )}
      </Form>
    </Page.Main>
  );
};

/** A page for admins with the read permission; anyone else is sent away as Strapi's own pages do. */
export const SettingsPage = (props: SettingsPageProps) => (
  <Page.Protect permissions={PERMISSIONS.read}>
    <SettingsPageBody {...props} />
  </Page.Protect>
);
