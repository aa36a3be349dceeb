import { useFetchClient } from '@strapi/strapi/admin';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StatusResponse } from '../../../contract';
import { useRequestError } from './use-request-error';

/** How often the Connection page asks again while it is open. */
export const STATUS_REFRESH_MS = 10_000;

export interface ChatServerStatusState {
  status: StatusResponse['data'] | null;
  /** Why the last request failed (the status then stays as it was, if any). */
  error: string | null;
  /** The server's clock minus this browser's, to show times relative to the server's now. */
  clockOffset: number;
  refresh(): Promise<void>;
  /** An answer had another way (DELETE of a lockout answers the status). */
  update(response: StatusResponse): void;
}

/** GET /imbachat/status now and every ~10 s while the page is open and visible. */
export const useChatServerStatus = (): ChatServerStatusState => {
  const { get } = useFetchClient();
  const requestError = useRequestError();
  const [status, setStatus] = useState<StatusResponse['data'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [clockOffset, setClockOffset] = useState(0);
  const inFlight = useRef(false);

  const update = useCallback((response: StatusResponse) => {
    setStatus(response.data);
    setError(null);
    const serverNow = Date.parse(response.data.now);
    if (!Number.isNaN(serverNow)) setClockOffset(serverNow - Date.now());
  }, []);

  const refresh = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      const { data } = await get<StatusResponse>('/imbachat/status');
      update(data);
    } catch (failure) {
      setError(requestError.message(failure));
    } finally {
      inFlight.current = false;
    }
  }, [get, requestError, update]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') void refresh();
    }, STATUS_REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);

  return { status, error, clockOffset, refresh, update };
};
