import { DataSource } from 'typeorm';
import { User } from '../accounts/user.entity';

/** Whether a user gets notification emails. */
export class NotificationPreferences {
  constructor(private readonly db: DataSource) {}

  async set(userId: string, email: boolean): Promise<User> {
    await this.db.query(`UPDATE users SET email_notifications = $2 WHERE id = $1`, [userId, email]);
    return this.db.getRepository(User).findOneByOrFail({ id: userId });
  }
}
