import { Arg, Ctx, Field, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Tenant } from '../accounts/tenant.entity';
import { User } from '../accounts/user.entity';
import { Context } from '../context';
import { clearSessionCookie, setSessionCookie } from './session-cookie';

@ObjectType({ description: 'The result of signing in.' })
export class AuthPayload {
  @Field(() => User, { description: 'Who signed in.' })
  user: User;

  @Field({ description: 'For tools: send it as `Authorization: Bearer <token>`. Browsers use the cookie.' })
  token: string;
}

@Resolver(() => User)
export class AuthResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user; null when signed out.' })
  me(@Ctx() { viewer, services }: Context): Promise<User | null> | null {
    return viewer && services.system.getRepository(User).findOneBy({ id: viewer.id });
  }

  @Mutation(() => AuthPayload, {
    description: 'Also sets the session cookie. With SSO_ONLY, customers get FORBIDDEN: they sign in from Lex.',
  })
  async login(
    @Arg('email', { description: 'The sign-in email address (any case).' }) email: string,
    @Arg('password', { description: 'The password.' }) password: string,
    @Ctx() { services, http, ip }: Context,
  ): Promise<AuthPayload> {
    const { rateLimits, sessions } = services;
    await rateLimits.countSignIn(ip);
    const account = await sessions.findAccount(email);
    await rateLimits.refuseLocked(account.key, ip);
    const { user, token } = await sessions.signIn(account, password).catch(async (error) => {
      await rateLimits.signInFailed(account.key, ip);
      throw error;
    });
    await rateLimits.signInSucceeded(account.key, ip);
    if (http) setSessionCookie(http.res, token, http.secure);
    return { user, token };
  }

  @Mutation(() => Boolean, { description: 'Ends the current session (and clears the cookie); true even when signed out.' })
  async logout(@Ctx() { viewer, services, http }: Context): Promise<boolean> {
    if (viewer) await services.sessions.signOut(viewer.sessionId);
    if (http) clearSessionCookie(http.res, http.secure);
    return true;
  }

  @FieldResolver(() => Tenant, { nullable: true, description: "The customer's company; null for Lex team members." })
  tenant(@Root() user: User, @Ctx() { loaders }: Context) {
    return user.tenantId ? loaders.tenant.load(user.tenantId) : null;
  }
}
