import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { ConfigError, DEVELOPMENT_SSO_ISSUER, loadConfig } from '../../config';
import { UsageError } from '../../errors';
import { DEFAULT_RETURN_TO } from './return-to';
import { developmentKeyPair } from './sso-keys';
import { MAX_TOKEN_LIFETIME_S } from './sso.service';

const USAGE = `Usage: npm run sso -- token --sub ID --role customer|superadmin [--tenant-id ID --tenant-name "Company"]
                                   [--email E --name N --locale en|nl --return-to /support/...]
Prints a /sso link with a development token (valid ${MAX_TOKEN_LIFETIME_S / 60} minutes, once), signed by the development key
under DATA_DIR that the server trusts outside production while no SSO_* variable is set.`;

/** A link that signs in as a Lex user would arrive, for trying the flow in development. */
async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: Object.fromEntries(
      ['sub', 'role', 'tenant-id', 'tenant-name', 'email', 'name', 'locale', 'return-to'].map((name) => [
        name,
        { type: 'string' as const },
      ]),
    ),
  });
  if (positionals[0] !== 'token' || !values.sub || !values.role) throw new UsageError(USAGE);
  if (values.role === 'customer' && (!values['tenant-id'] || !values['tenant-name']))
    throw new UsageError('a customer needs --tenant-id and --tenant-name');
  const config = loadConfig();
  if (config.production)
    throw new UsageError('Development tokens are refused in production (NODE_ENV=production): Lex signs the real ones.');
  if (config.sso?.keys.kind !== 'development') {
    throw new UsageError(
      "SSO_* is set, so the server trusts Lex's keys only and would refuse a development token. Unset SSO_ISSUER, SSO_PUBLIC_KEY and SSO_JWKS_URL to try the flow.",
    );
  }
  const sub = values.sub as string;
  const claims = {
    sub,
    email: values.email ?? `${sub}@lex.example`,
    name: values.name ?? `Lex user ${sub}`,
    role: values.role,
    ...(values['tenant-id'] ? { tenant_id: values['tenant-id'] } : {}),
    ...(values['tenant-name'] ? { tenant_name: values['tenant-name'] } : {}),
    ...(values.locale ? { locale: values.locale } : {}),
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(DEVELOPMENT_SSO_ISSUER)
    .setAudience(config.sso.audience)
    .setIssuedAt()
    .setExpirationTime(`${MAX_TOKEN_LIFETIME_S}s`)
    .setJti(randomUUID())
    .sign(developmentKeyPair(config.dataDir).privateKey);
  const query = new URLSearchParams({ token, return_to: (values['return-to'] as string | undefined) ?? DEFAULT_RETURN_TO });
  console.log(`${config.publicOrigins[0]}/sso?${query}`);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof UsageError || error instanceof ConfigError || error instanceof TypeError ? error.message : error);
  process.exit(1);
});
