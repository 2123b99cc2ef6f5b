import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Context } from '../context';
import { setLocale } from './locale';
import { User } from './user.entity';

@Resolver(() => User)
export class AccountResolver {
  @Authorized()
  @Mutation(() => User, {
    description:
      "Saves the signed-in person's language and returns them. Signed-in people only; anything but `en` or `nl` is BAD_USER_INPUT on `locale`, nothing saved.",
  })
  setLocale(@Arg('locale', { description: '`en` or `nl`.' }) locale: string, @Ctx() { viewer, services }: Context): Promise<User> {
    return setLocale(services.system, viewer!, locale);
  }
}
