import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Card, Field } from '../design';
import { errorCode, friendlyMessage } from '../lib/errors';
import { LanguageSwitch } from '../shell/LanguageSwitch';
import { LexMark } from '../shell/LexMark';
import { useTitle } from '../lib/useTitle';
import { useSession } from './session';

export function SignInPage() {
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const { t } = useTranslation();
  useTitle(t('signIn.title'));

  useEffect(() => {
    emailRef.current?.focus();
  }, []);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError(t('signIn.missing'));
      return;
    }
    setBusy(true);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      const code = errorCode(err);
      setError(code === 'UNAUTHENTICATED' || code === 'BAD_USER_INPUT' ? t('signIn.mismatch') : friendlyMessage(err));
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <div className="signin__panel">
        <div className="signin__brand">
          <LexMark size={40} />
          <div>
            <div className="signin__product">Lex Support</div>
            <div className="signin__tagline">{t('signIn.tagline')}</div>
          </div>
        </div>
        <Card as="section" aria-labelledby="signin-title" className="signin__card">
          <h1 id="signin-title" className="signin__title">
            {t('signIn.title')}
          </h1>
          <form className="stack" onSubmit={onSubmit} noValidate>
            {error && <Alert tone="error">{error}</Alert>}
            <Field
              ref={emailRef}
              label={t('signIn.email')}
              type="email"
              name="email"
              autoComplete="username"
              inputMode="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
            <Field
              label={t('signIn.password')}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            <Button type="submit" block loading={busy}>
              {t('signIn.title')}
            </Button>
          </form>
        </Card>
        <p className="signin__footer">{t('signIn.footer')}</p>
        <LanguageSwitch />
      </div>
    </main>
  );
}
