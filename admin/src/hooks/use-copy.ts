import { useClipboard, useNotification } from '@strapi/strapi/admin';
import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import { t } from '../utils/translation';

/** Copies text to the clipboard and says so, as Strapi's own copy buttons do. */
export const useCopy = () => {
  const { formatMessage } = useIntl();
  const { copy } = useClipboard();
  const { toggleNotification } = useNotification();
  return useCallback(
    async (text: string) => {
      if (await copy(text)) toggleNotification({ type: 'success', message: formatMessage(t('copy.done')) });
    },
    [copy, toggleNotification, formatMessage]
  );
};
