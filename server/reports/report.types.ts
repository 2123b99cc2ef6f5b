import { Field, Float, Int, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { TicketCategory } from '../support/ticket-status';

@ObjectType({ description: 'One local day of a report (in the business-hours time zone).' })
export class ReportDay {
  @Field({ description: 'The local date, YYYY-MM-DD.' })
  date: string;

  @Field(() => Int, { description: 'Tickets opened that day.' })
  created: number;

  @Field(() => Int, { description: 'Tickets closed that day (and not reopened since).' })
  closed: number;

  @Field(() => Float, { nullable: true, description: 'Median wall-clock minutes to the first response, of the first responses that day.' })
  firstResponseMedianMinutes: number | null;

  @Field(() => Float, { nullable: true, description: 'The 90th percentile of the same.' })
  firstResponseP90Minutes: number | null;
}

@ObjectType({ description: 'The figures of a part of the tickets (a category, an assignee) over a report’s days.' })
export class ReportFigures {
  @Field(() => Int, { description: 'Tickets opened in the range.' })
  created: number;

  @Field(() => Int, { description: 'Tickets closed in the range (and not reopened since).' })
  closed: number;

  @Field(() => Int, { description: 'First responses given in the range.' })
  firstResponses: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Percent of the service-level verdicts in the range that were met: first responses by their due time, tickets closed unanswered before it; tickets still waiting past a due time in the range count as missed. Null without verdicts.',
  })
  slaMetPercent: number | null;

  @Field(() => Float, { nullable: true, description: 'The mean of the ratings given in the range, 1 to 5; null without ratings.' })
  averageRating: number | null;

  @Field(() => Int, { description: 'Ratings given in the range.' })
  ratings: number;
}

@ObjectType({ description: 'A report’s figures for one category.' })
export class ReportCategory extends ReportFigures {
  @Field(() => TicketCategory, { description: 'The category.' })
  category: TicketCategory;
}

@ObjectType({ description: 'A report’s figures for one assignee, or for the unassigned tickets.' })
export class ReportAssignee extends ReportFigures {
  @Field(() => User, { nullable: true, description: 'The Lex team member the tickets are assigned to now; null for unassigned tickets.' })
  assignee: User | null;
}

@ObjectType({
  description:
    'How the desk did over a range of local days (docs: the business-hours time zone), from daily roll-ups: a ticket counts as created on its creation day, as closed on the day of its last close, and its first-response time on the day of the first response.',
})
export class SupportReport extends ReportFigures {
  @Field({ description: 'The first local date covered (YYYY-MM-DD): the date of `from` in timeZone.' })
  from: string;

  @Field({ description: 'The last local date covered: the date of `to` in timeZone.' })
  to: string;

  @Field({ description: 'The IANA time zone of the days: the business hours’.' })
  timeZone: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Median wall-clock minutes from opening to the first public team reply, of the first responses in the range (within 5 %).',
  })
  firstResponseMedianMinutes: number | null;

  @Field(() => Float, { nullable: true, description: 'The 90th percentile of the same (within 5 %).' })
  firstResponseP90Minutes: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Median hours from opening to closing, of the tickets closed in the range (within 5 %).',
  })
  resolutionMedianHours: number | null;

  @Field(() => [ReportDay], { description: 'Every day of the range, oldest first, days without tickets included.' })
  byDay: ReportDay[];

  @Field(() => [ReportCategory], { description: 'Per category with any figure in the range, most tickets opened first.' })
  byCategory: ReportCategory[];

  @Field(() => [ReportAssignee], { description: 'Per assignee (and unassigned) with any figure in the range, most tickets closed first.' })
  byAssignee: ReportAssignee[];

  @Field({ description: 'False while older tickets are still being added to the roll-ups (after an upgrade or a time-zone change).' })
  complete: boolean;
}
