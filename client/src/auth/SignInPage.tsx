import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Card, Field } from '../design';
import { errorCode, friendlyMessage } from '../lib/errors';
import { LexMark } from '../shell/LexMark';
import { useSession } from './session';

export function SignInPage() {
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Lex Support';
    emailRef.current?.focus();
  }, []);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      const code = errorCode(err);
      setError(
        code === 'UNAUTHENTICATED' || code === 'BAD_USER_INPUT'
          ? 'That email and password do not match. Please try again.'
          : friendlyMessage(err),
      );
      setBusy(false);
    }
  }

  return (
    <div className="signin">
      <div className="signin__panel">
        <div className="signin__brand">
          <LexMark size={40} />
          <div>
            <div className="signin__product">Lex Support</div>
            <div className="signin__tagline">Questions about Lex? The Lex team is here to help.</div>
          </div>
        </div>
        <Card as="section" aria-labelledby="signin-title" className="signin__card">
          <h1 id="signin-title" className="signin__title">
            Sign in
          </h1>
          <form className="stack" onSubmit={onSubmit} noValidate>
            {error && <Alert tone="error">{error}</Alert>}
            <Field
              ref={emailRef}
              label="Email"
              type="email"
              name="email"
              autoComplete="username"
              inputMode="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
            <Field
              label="Password"
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            <Button type="submit" block loading={busy}>
              Sign in
            </Button>
          </form>
        </Card>
        <p className="signin__footer">Use the account your company set up for Lex.</p>
      </div>
    </div>
  );
}
