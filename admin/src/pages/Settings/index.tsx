import { Alert, Button, Flex } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { Blocker, Form, Layouts, Page, useFetchClient, useNotification, useRBAC, type FormHelpers } from '@strapi/strapi/admin';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useIntl } from 'react-intl';
import {
  API_PASSWORD_RECOMMENDED_LENGTH,
  SEARCH_MODES,
  type SecretKey,
  type SettingsResponse,
  type SettingKey,
  type SettingsUpdate,
} from '../../../../contract';
import { PERMISSIONS } from '../../permissions';
import { t } from '../../utils/translation';
import { AppearanceSection } from './AppearanceSection';
import { EndpointsPanel } from './EndpointsPanel';
import { readSave, SettingsFormError, toFormValues, type FormValues } from './form-values';
import { NotificationsSection } from './NotificationsSection';
import { SecretInput, type ShortWarning } from './SecretInput';
import { RolesSection } from './RolesSection';
import { Cell, Section } from './Section';
import { SettingInput, type Option } from './SettingInput';
import { TestApiPanel } from './TestApiPanel';
import { UnreadableSecretsAlert } from './UnreadableSecretsAlert';
import { useRequestError } from './use-request-error';

const SettingsPage = () => {
  const { formatMessage } = useIntl();
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const requestError = useRequestError();
  const {
    isLoading: loadingPermissions,
    allowedActions: { canUpdate },
  } = useRBAC(PERMISSIONS.update);
  const [response, setResponse] = useState<SettingsResponse | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    get<SettingsResponse>('/imbachat/settings')
      .then(({ data }) => setResponse(data))
      .catch((error: unknown) => setLoadError(requestError.message(error)));
  }, [get, requestError]);

  const initialValues = useMemo(() => (response ? toFormValues(response.data) : null), [response]);

  // <Form> shows what this throws next to the fields and does not call onSubmit.
  const validate = useCallback(
    async (values: FormValues) => {
      if (!response || !initialValues) return values;
      const { problems } = readSave(values, initialValues, response.data.locked);
      if (problems.length === 0) return values;
      toggleNotification({ type: 'danger', message: formatMessage(t('page.invalid')) });
      throw new SettingsFormError(problems);
    },
    [response, initialValues, formatMessage, toggleNotification]
  );

  const onSubmit = useCallback(
    async (values: FormValues, { setErrors, resetForm }: FormHelpers<FormValues>) => {
      if (!response || !initialValues) return;
      const { update } = readSave(values, initialValues, response.data.locked);
      try {
        const { data } = await put<SettingsResponse, SettingsUpdate>('/imbachat/settings', update);
        setResponse(data);
        resetForm(toFormValues(data.data));
        toggleNotification({ type: 'success', message: formatMessage(t('page.saved')) });
      } catch (error) {
        // The server has the last word: its refusals land next to the fields they name.
        setErrors(requestError.fieldErrors(error));
        toggleNotification({ type: 'danger', message: requestError.message(error) });
      }
    },
    [response, initialValues, put, formatMessage, toggleNotification, requestError]
  );

  if (loadError !== null) {
    return (
      <Page.Main>
        <Layouts.Header title={formatMessage(t('page.title'))} />
        <Layouts.Content>
          <Alert variant="danger" closeLabel="" title="">
            {formatMessage(t('page.load-error'))}: {loadError}
          </Alert>
        </Layouts.Content>
      </Page.Main>
    );
  }
  if (loadingPermissions || !response || !initialValues) return <Page.Loading />;

  const { data: settings, meta } = response;
  const readOnly = !canUpdate;
  const locked = (key: SettingKey) => settings.locked.includes(key);
  const input = (name: Parameters<typeof SettingInput>[0]['name'], type: Parameters<typeof SettingInput>[0]['type'], options?: Option[]) => (
    <Cell>
      <SettingInput name={name} type={type} options={options} locked={locked(name)} disabled={readOnly || locked(name)} />
    </Cell>
  );
  const secret = (name: SecretKey, isSet: boolean, shortWarning?: ShortWarning) => (
    <Cell>
      <SecretInput
        name={name}
        isSet={isSet}
        unreadable={settings.unreadableSecrets.includes(name)}
        locked={locked(name)}
        disabled={readOnly || locked(name)}
        shortWarning={shortWarning}
      />
    </Cell>
  );
  const nameOptions = meta.userFields.nameField.map(({ name }) => ({ value: name, label: name }));
  // An optional field: "none" first, then the user model's attributes of the types it takes.
  const optionalField = (key: 'avatarField' | 'badgeField' | 'lastLoginField') => [
    { value: '', label: formatMessage(t(`field.${key}.none`)) },
    ...meta.userFields[key].map(({ name, type }) => ({ value: name, label: `${name} (${type})` })),
  ];
  const searchOptions = SEARCH_MODES.map((mode) => ({ value: mode, label: formatMessage(t(`field.searchMode.${mode}`)) }));

  return (
    <Page.Main>
      <Page.Title>{formatMessage(t('page.title'))}</Page.Title>
      <Form method="PUT" initialValues={initialValues} validate={validate} onSubmit={onSubmit} disabled={readOnly} width="100%" height="auto">
        {({ modified, isSubmitting }) => (
          <>
            <Blocker />
            <Layouts.Header
              title={formatMessage(t('page.title'))}
              subtitle={formatMessage(t('page.subtitle'))}
              primaryAction={
                <Button type="submit" startIcon={<Check />} loading={isSubmitting} disabled={readOnly || !modified}>
                  {formatMessage(t('page.save'))}
                </Button>
              }
            />
            <Layouts.Content>
              <Flex direction="column" alignItems="stretch" gap={6}>
                <UnreadableSecretsAlert secrets={settings.unreadableSecrets} />
                {readOnly && (
                  <Alert variant="default" closeLabel="" title="" data-testid="read-only">
                    {formatMessage(t('page.read-only'))}
                  </Alert>
                )}
                <Section title={formatMessage(t('section.widget'))} description={formatMessage(t('section.widget.description'))}>
                  {input('widgetId', 'text')}
                  {input('widgetScriptUrl', 'text')}
                </Section>
                <Section title={formatMessage(t('section.access'))} description={formatMessage(t('section.access.description'))}>
                  {input('apiLogin', 'text')}
                  {secret('apiPassword', settings.apiPasswordSet, {
                    recommendedLength: API_PASSWORD_RECOMMENDED_LENGTH,
                    savedTooShort: settings.apiPasswordShort,
                    typed: 'field.apiPassword.short-typed',
                    saved: 'field.apiPassword.short-saved',
                  })}
                </Section>
                <Section title={formatMessage(t('section.tokens'))} description={formatMessage(t('section.tokens.description'))}>
                  {secret('secretKey', settings.secretKeySet)}
                  {input('tokenTtlSeconds', 'number')}
                </Section>
                <AppearanceSection readOnly={readOnly} locked={locked} />
                <Section
                  title={formatMessage(t('section.user-fields'))}
                  description={formatMessage(t('section.user-fields.description'))}
                  testId="user-fields"
                >
                  {input('nameField', 'select', nameOptions)}
                  {input('avatarField', 'select', optionalField('avatarField'))}
                  {input('profileUrlTemplate', 'text')}
                  {input('badgeField', 'select', optionalField('badgeField'))}
                  {input('lastLoginField', 'select', optionalField('lastLoginField'))}
                  {input('trackLastSeen', 'toggle')}
                  {input('shareEmail', 'toggle')}
                </Section>
                <RolesSection roles={meta.roles} readOnly={readOnly} locked={locked} />
                <Section title={formatMessage(t('section.search'))} description={formatMessage(t('section.search.description'))}>
                  {input('searchMode', 'select', searchOptions)}
                  {input('idSeparator', 'text')}
                </Section>
                <NotificationsSection readOnly={readOnly} locked={locked} emailConfirmation={meta.emailConfirmation} />
                <EndpointsPanel endpoints={meta.endpoints} />
                <TestApiPanel canTest={!readOnly} />
              </Flex>
            </Layouts.Content>
          </>
        )}
      </Form>
    </Page.Main>
  );
};

const ProtectedSettingsPage = () => (
  <Page.Protect permissions={PERMISSIONS.read}>
    <SettingsPage />
  </Page.Protect>
);

export default ProtectedSettingsPage;
