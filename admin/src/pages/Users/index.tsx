import { SEARCH_MODES, type SettingKey } from '../../../../contract';
import { useIntl } from 'react-intl';
import { Cell, Section } from '../../components/Section';
import { SettingInput, type Option } from '../../components/SettingInput';
import { SettingsPage, type PageContext } from '../../components/SettingsPage';
import { t } from '../../utils/translation';
import { RolesSection } from './RolesSection';

const KEYS: readonly SettingKey[] = [
  'nameField',
  'nameTemplate',
  'avatarField',
  'profileUrlTemplate',
  'shareEmail',
  'badgeField',
  'lastLoginField',
  'trackLastSeen',
  'friendsField',
  'chatRoles',
  'roleMap',
  'searchMode',
  'idSeparator',
];

type OptionalField = 'avatarField' | 'badgeField' | 'lastLoginField' | 'friendsField';

/** Settings → ImbaChat → Users in the chat: what the chat shows of each user, their roles there, and how it finds them. */
const UsersSections = ({ meta, readOnly, locked, disabled }: PageContext) => {
  const { formatMessage } = useIntl();
  const input = (name: Parameters<typeof SettingInput>[0]['name'], type: Parameters<typeof SettingInput>[0]['type'], options?: Option[]) => (
    <Cell>
      <SettingInput name={name} type={type} options={options} locked={locked(name)} disabled={disabled(name)} />
    </Cell>
  );
  const nameOptions = meta.userFields.nameField.map(({ name }) => ({ value: name, label: name }));
  // An optional field: "none" first, then the user model's attributes of the types it takes.
  const optionalField = (key: OptionalField) => [
    { value: '', label: formatMessage(t(`field.${key}.none`)) },
    ...meta.userFields[key].map(({ name, type }) => ({ value: name, label: `${name} (${type})` })),
  ];
  const searchOptions = SEARCH_MODES.map((mode) => ({ value: mode, label: formatMessage(t(`field.searchMode.${mode}`)) }));

  return (
    <>
      <Section title={formatMessage(t('section.user-fields'))} description={formatMessage(t('section.user-fields.description'))} testId="user-fields">
        {input('nameField', 'select', nameOptions)}
        {input('nameTemplate', 'text')}
        {input('avatarField', 'select', optionalField('avatarField'))}
        {input('profileUrlTemplate', 'text')}
        {input('badgeField', 'select', optionalField('badgeField'))}
        {input('lastLoginField', 'select', optionalField('lastLoginField'))}
        {input('trackLastSeen', 'toggle')}
        {input('shareEmail', 'toggle')}
        {input('friendsField', 'select', optionalField('friendsField'))}
      </Section>
      <RolesSection roles={meta.roles} readOnly={readOnly} locked={locked} />
      <Section title={formatMessage(t('section.search'))} description={formatMessage(t('section.search.description'))} testId="search">
        {input('searchMode', 'select', searchOptions)}
        {input('idSeparator', 'text')}
      </Section>
    </>
  );
};

const UsersPage = () => (
  <SettingsPage page="users" keys={KEYS}>
    {(context) => <UsersSections {...context} />}
  </SettingsPage>
);

export default UsersPage;
