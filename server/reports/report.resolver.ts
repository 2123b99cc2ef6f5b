import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Role } from '../accounts/user.entity';
import { Context } from '../context';
import { MAX_REPORT_DAYS } from './support-report';
import { SupportReport } from './report.types';

@Resolver()
export class ReportResolver {
  @Authorized(Role.SUPERADMIN)
  @Query(() => SupportReport, {
    description: `The desk's figures over the local days (business-hours time zone) from the date of \`from\` to that of \`to\`, at most ${MAX_REPORT_DAYS} days; superadmin only.`,
  })
  supportReport(
    @Arg('from', () => Date, { description: 'Any time on the first day of the report.' }) from: Date,
    @Arg('to', () => Date, { description: 'Any time on the last day of the report, not before `from`.' }) to: Date,
    @Ctx() context: Context,
  ) {
    return context.services.reports.report(context.viewer!, from, to);
  }
}
