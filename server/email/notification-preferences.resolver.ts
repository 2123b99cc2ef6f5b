import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { Context } from '../context';

@Resolver(() => User)
export class NotificationPreferencesResolver {
  @Authorized()
  @Mutation(() => User, { description: "Turns the signed-in user's notification emails on or off (unsubscribe links turn them off too)." })
  async setNotificationPreferences(
    @Arg('email', { description: 'True: email me about my tickets (customers) or new tickets and replies (the Lex team).' }) email: boolean,
    @Ctx() { viewer, services }: Context,
  ): Promise<User> {
    return services.notificationPreferences.set(viewer!.id, email);
  }
}
