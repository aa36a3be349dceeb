import { Box, Field, Flex, IconButton, TextInput } from '@strapi/design-system';
import { Duplicate } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { t } from '../utils/translation';
import { useCopy } from '../hooks/use-copy';

interface CopyFieldProps {
  /** The field's id and test id: `endpoint-<id>`. */
  id: string;
  label: string;
  value: string;
  hint?: string;
}

/** A read-only address with a button that copies it. */
export const CopyField = ({ id, label, value, hint }: CopyFieldProps) => {
  const { formatMessage } = useIntl();
  const copy = useCopy();
  return (
    <Field.Root name={`endpoint-${id}`} id={`imbachat-endpoint-${id}`} hint={hint}>
      <Field.Label>{label}</Field.Label>
      <Flex gap={2}>
        <Box flex="1">
          <TextInput value={value} readOnly data-testid={`endpoint-${id}`} />
        </Box>
        <IconButton label={formatMessage(t('copy.one'), { name: label })} onClick={() => copy(value)}>
          <Duplicate />
        </IconButton>
      </Flex>
      {hint && <Field.Hint />}
    </Field.Root>
  );
};
