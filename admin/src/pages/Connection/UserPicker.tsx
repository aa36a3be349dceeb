import { Combobox, ComboboxOption, Field, Flex, Tag, Typography } from '@strapi/design-system';
import { Cross } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useRef, useState } from 'react';
import { useIntl } from 'react-intl';
import type { PickerUser } from '../../../../contract';
import { t } from '../../utils/translation';

/** How a picked user reads: the name as the chat shows it, then what tells two alike apart. */
export const pickerLabel = (user: PickerUser) =>
  user.name && user.name !== user.username && user.username ? `${user.name} (${user.username}, #${user.id})` : `${user.name || user.username || ''} #${user.id}`.trim();

const SEARCH_DELAY_MS = 250;

interface UserPickerProps {
  value: PickerUser[];
  onChange(users: PickerUser[]): void;
  disabled: boolean;
}

/**
 * Site users to test with, found by name as the chat's search finds them (GET /imbachat/users?q=).
 * A user ID typed as digits can be picked too, so the test runs even where the list cannot be had.
 * (The combobox is not told `loading`: toggling it remounts its "nothing found" line, which then
 * stays shown beside the options that arrive.)
 */
export const UserPicker = ({ value, onChange, disabled }: UserPickerProps) => {
  const { formatMessage } = useIntl();
  const { get } = useFetchClient();
  const [text, setText] = useState('');
  const [options, setOptions] = useState<PickerUser[]>([]);
  const [loading, setLoading] = useState(false);
  const [unavailable, setUnavailable] = useState(false);
  const picked = useRef(value);
  picked.current = value;
  const request = useRef(0);

  const search = (q: string) => {
    const id = ++request.current;
    setLoading(true);
    return get<{ data: PickerUser[] }>('/imbachat/users', { params: { q, limit: 20 } })
      .then(({ data }) => {
        if (id !== request.current) return data.data;
        setOptions(data.data);
        setUnavailable(false);
        return data.data;
      })
      .catch(() => {
        if (id === request.current) setUnavailable(true);
        return [] as PickerUser[];
      })
      .finally(() => {
        if (id === request.current) setLoading(false);
      });
  };

  // The first users by id, and the first of them picked, so Test API can run at once.
  useEffect(() => {
    void search('').then((users) => {
      if (users.length && picked.current.length === 0) onChange([users[0]]);
    });
    // Once, when the page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const searched = useRef('');
  useEffect(() => {
    const q = text.trim();
    if (q === searched.current) return;
    searched.current = q;
    const timer = setTimeout(() => void search(q), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const typedId = /^\s*\d{1,10}\s*$/.test(text) && Number(text) > 0 ? Number(text) : null;
  const choices = options.filter((user) => !value.some((chosen) => chosen.id === user.id));
  const offerTypedId = typedId !== null && !value.some((user) => user.id === typedId) && !choices.some((user) => user.id === typedId);

  const pick = (raw: string) => {
    if (!raw) return;
    const id = Number(raw);
    const user = options.find((option) => option.id === id) ?? { id, username: '', name: '' };
    if (!value.some((chosen) => chosen.id === id)) onChange([...value, user]);
    setText('');
  };

  return (
    <Field.Root name="testUsers" id="imbachat-test-users" hint={formatMessage(t(unavailable ? 'test.users.unavailable' : 'test.users.hint'))}>
      <Field.Label>{formatMessage(t('test.users.label'))}</Field.Label>
      <Combobox
        autocomplete={{ type: 'none' }}
        textValue={text}
        onTextValueChange={setText}
        onChange={pick}
        noOptionsMessage={() => formatMessage(t(loading ? 'test.users.loading' : 'test.users.none'))}
        placeholder={formatMessage(t('test.users.placeholder'))}
        disabled={disabled}
        data-testid="test-user-search"
      >
        {choices.map((user) => (
          <ComboboxOption key={user.id} value={String(user.id)} textValue={pickerLabel(user)}>
            {pickerLabel(user)}
          </ComboboxOption>
        ))}
        {offerTypedId && (
          <ComboboxOption key={`id-${typedId}`} value={String(typedId)} textValue={`#${typedId}`}>
            {formatMessage(t('test.users.by-id'), { id: typedId })}
          </ComboboxOption>
        )}
      </Combobox>
      <Field.Hint />
      {value.length > 0 && (
        <Flex gap={2} wrap="wrap" paddingTop={2} data-testid="test-users">
          {value.map((user) => (
            <Tag
              key={user.id}
              icon={<Cross aria-hidden />}
              label={formatMessage(t('test.users.remove'), { name: pickerLabel(user) })}
              onClick={() => onChange(value.filter((chosen) => chosen.id !== user.id))}
              disabled={disabled}
            >
              {pickerLabel(user)}
            </Tag>
          ))}
        </Flex>
      )}
      {value.length === 0 && (
        <Typography variant="pi" textColor="neutral600" paddingTop={2}>
          {formatMessage(t('test.users.empty'))}
        </Typography>
      )}
    </Field.Root>
  );
};
