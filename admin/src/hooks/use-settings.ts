import { useFetchClient } from '@strapi/strapi/admin';
import { useCallback, useEffect, useState } from 'react';
import type { SettingsResponse } from '../../../contract';
import { useRequestError } from './use-request-error';

/** GET /imbachat/settings once per page: the answer, or why it could not be had. */
export const useSettings = () => {
  const { get } = useFetchClient();
  const requestError = useRequestError();
  const [response, setResponse] = useState<SettingsResponse | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      get<SettingsResponse>('/imbachat/settings')
        .then(({ data }) => setResponse(data))
        .catch((error: unknown) => setLoadError(requestError.message(error))),
    [get, requestError]
  );

  useEffect(() => {
    void load();
  }, [load]);

  return { response, setResponse, loadError };
};
