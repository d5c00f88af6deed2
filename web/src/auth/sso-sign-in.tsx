// Single sign-on on the sign-in page: a link per organisation offering it (GET
// /api/auth/sso/providers), each starting the provider's sign-in, and the reason a sign-in that
// came back failed (`/?sso_error=<code>`), worded here from the code alone.
import { useEffect, useId, useState } from 'react';
import { api } from '../api/client.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';

interface SsoProvider {
  orgId: string;
  name: string;
}

const errorMessages: Record<string, MessageKey> = {
  sso_not_configured: 'ssoErrorNotConfigured',
  sso_idp_error: 'ssoErrorProvider',
  sso_exchange_failed: 'ssoErrorExchange',
  sso_email_missing: 'ssoErrorEmailMissing',
  sso_email_unverified: 'ssoErrorEmailUnverified',
  sso_email_invalid: 'ssoErrorEmailInvalid',
  sso_other_org: 'ssoErrorOtherOrg',
  account_disabled: 'ssoErrorDisabled',
};

/** Reads and removes `sso_error` from the address bar, once. */
function takeSsoError(): string | undefined {
  const url = new URL(window.location.href);
  const code = url.searchParams.get('sso_error');
  if (code === null) return undefined;
  url.searchParams.delete('sso_error');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  return code;
}

/** The "Sign in with single sign-on" section; renders nothing when no organisation offers it. */
export function SsoSignIn() {
  const { t } = useI18n();
  const id = useId();
  const [providers, setProviders] = useState<SsoProvider[]>([]);
  const [errorCode] = useState(takeSsoError);

  useEffect(() => {
    const controller = new AbortController();
    api<{ data: SsoProvider[] }>('/api/auth/sso/providers', { signal: controller.signal })
      .then((answer) => setProviders(answer.data))
      .catch(() => undefined); // the password form still works
    return () => controller.abort();
  }, []);

  const error =
    errorCode === undefined ? undefined : t(errorMessages[errorCode] ?? 'ssoErrorGeneric');
  if (!providers.length && !error) return null;
  return (
    <section className="sso-sign-in" aria-labelledby={id}>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {providers.length ? (
        <>
          <h2 id={id}>{t('ssoTitle')}</h2>
          <ul>
            {providers.map((provider) => (
              <li key={provider.orgId}>
                <a
                  className="button"
                  href={`/api/auth/sso/${encodeURIComponent(provider.orgId)}/start`}
                >
                  {provider.name}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
