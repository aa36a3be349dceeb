import { isFetchError, useAPIErrorHandler } from '@strapi/strapi/admin';
import { useMemo } from 'react';

/**
 * The page's one reading of a failed request (load, save, Test API): Strapi's wording of the
 * API's error, and the fields a ValidationError names, as the admin's own forms show them.
 */
export const useRequestError = () => {
  const { formatAPIError, _unstableFormatValidationErrors: formatValidationErrors } = useAPIErrorHandler();

  return useMemo(
    () => ({
      message: (error: unknown): string =>
        // Anything but an answer from the API (a network failure, a bug) has only its own message.
        isFetchError(error) ? formatAPIError(error) : error instanceof Error ? error.message : String(error),
      fieldErrors: (error: unknown): Record<string, string> => {
        const apiError = isFetchError(error) ? error.response?.data.error : undefined;
        return apiError?.name === 'ValidationError' ? formatValidationErrors(apiError) : {};
      },
    }),
    [formatAPIError, formatValidationErrors]
  );
};
