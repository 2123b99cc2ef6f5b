import DataLoader from 'dataloader';
import type { Response } from 'express';
import { Tenant } from './accounts/tenant.entity';
import { Attachment } from './attachments/attachment.entity';
import { AttachmentService } from './attachments/attachments.service';
import { SessionService } from './auth/session.service';
import { NotificationPreferences } from './email/notification-preferences';
import { Viewer } from './auth/viewer';
import { SupportAudience } from './realtime/audience';
import { RateLimits } from './security/rate-limits';
import { SupportReply } from './support/reply.entity';
import { TicketCommands } from './support/ticket-commands';
import { TicketCounts } from './support/ticket-counts';
import { TicketQueries, type TicketReads } from './support/ticket-queries';
import { TeamMembers } from './team/team-members';
import { TicketActivityService } from './presence/ticket-activity';
import { CannedReplies } from './team/canned-replies';
import { TimelineEvent } from './lifecycle/ticket-event.entity';
import { TimelineQueries } from './lifecycle/timeline';
import { SupportReports } from './reports/support-report';
import type { Ratings } from './rating/ratings';
import type { SatisfactionRating } from './rating/rating.types';
import { User } from './accounts/user.entity';
import { SupportTicket } from './support/ticket.entity';
import type { RepliesPage } from './support/support-input';
import { DataSource, In } from 'typeorm';

export interface Services {
  db: DataSource;
  /** The owner's connections, for work no session asks for (server/db/data-source.ts). */
  system: DataSource;
  sessions: SessionService;
  /** Support desk reads (lists, search, one ticket, loader batches). */
  tickets: TicketQueries;
  /** Support desk writes. */
  commands: TicketCommands;
  /** Stats, unread counts and badges. */
  counts: TicketCounts;
  audience: SupportAudience;
  rateLimits: RateLimits;
  notificationPreferences: NotificationPreferences;
  /** Uploaded files: storing, reading back, clearing the unattached. */
  attachments: AttachmentService;
  /** The Lex team's members, for assignment. */
  team: TeamMembers;
  /** The Lex team's canned replies. */
  cannedReplies: CannedReplies;
  /** Who is viewing and typing on each ticket page. */
  activity: TicketActivityService;
  /** Tickets' timelines. */
  timeline: TimelineQueries;
  /** The Lex team's reports. */
  reports: SupportReports;
  /** Satisfaction ratings. */
  ratings: Ratings;
}

/** Batches the lookups of one request, so a page of tickets costs a fixed number of queries. */
export interface Loaders {
  tenant: DataLoader<string, Tenant | undefined>;
  /** One loader per page asked for, so that the tickets of a list asking for one page share one query. */
  replies(page: RepliesPage): DataLoader<string, SupportReply[]>;
  lastReply: DataLoader<string, SupportReply | undefined>;
  /** One ticket, with what the request selects of it read along (TicketReads): once per execution however often asked. */
  ticket(reads?: TicketReads): DataLoader<string, SupportTicket | null>;
  /** The files of each reply. */
  attachments: DataLoader<string, Attachment[]>;
  /** Lex team members by id (the assignees of a page of tickets). */
  teamMember: DataLoader<string, User | undefined>;
  /** Each ticket's timeline, as the viewer may see it. */
  events: DataLoader<string, TimelineEvent[]>;
  /** Each ticket's rating (of its current or latest close), for the viewer. */
  rating: DataLoader<string, SatisfactionRating | null>;
}

export interface Context {
  viewer: Viewer | null;
  /** The client's address (behind the proxies TRUST_PROXY names, the one they forwarded). */
  ip: string;
  services: Services;
  loaders: Loaders;
  /** Present on HTTP requests: sign-in and sign-out set the session cookie on it. */
  http?: { res: Response; secure: boolean };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/**
 * Hands the loaders what was read with the tickets (`ListOptions.with`, `TicketReads`; `repliesPage`
 * the page `replies` holds), so that their nested fields send no SQL of their own.
 */
export function primeLoaders(loaders: Loaders, tickets: readonly SupportTicket[], repliesPage?: RepliesPage) {
  for (const ticket of tickets) {
    if (ticket.tenant) loaders.tenant.prime(ticket.tenantId, ticket.tenant);
    if (ticket.lastReply !== undefined) loaders.lastReply.prime(ticket.id, ticket.lastReply ?? undefined);
    if (ticket.replies && repliesPage) loaders.replies(repliesPage).prime(ticket.id, ticket.replies);
  }
}

/**
 * Loaders for one execution: an HTTP request, an operation on a socket, or one event of a subscription.
 * Each is made on first use: most executions need one loader or none, and a subscription keeps the
 * context it was started with for as long as it lasts (docs/architecture.md §3).
 */
export function createLoaders(services: Services, viewer: Viewer | null): Loaders {
  return new ExecutionLoaders(services, viewer);
}

class ExecutionLoaders implements Loaders {
  private readonly made: Partial<Omit<Loaders, 'replies' | 'ticket'>> & {
    replies?: Map<string, DataLoader<string, SupportReply[]>>;
    ticket?: Map<string, DataLoader<string, SupportTicket | null>>;
  } = {};

  constructor(
    private readonly services: Services,
    private readonly viewer: Viewer | null,
  ) {}

  private requireViewer(): Viewer {
    if (!this.viewer) throw new Error('loaders that read tickets need a viewer');
    return this.viewer;
  }

  get tenant() {
    return (this.made.tenant ??= new DataLoader(async (ids) => {
      const tenants = await this.services.db.getRepository(Tenant).findBy({ id: In([...ids]) });
      return ids.map((id) => tenants.find((t) => t.id === id));
    }));
  }

  replies({ last, before }: RepliesPage) {
    const byPage = (this.made.replies ??= new Map());
    const key = `${last ?? ''}|${before ?? ''}`;
    let loader = byPage.get(key);
    if (!loader) {
      loader = new DataLoader<string, SupportReply[]>(async (ticketIds) => {
        const replies = await this.services.tickets.repliesOf(this.requireViewer(), ticketIds, { last, before });
        const byTicket = groupBy(replies, (r) => r.ticketId);
        return ticketIds.map((id) => byTicket.get(id) ?? []);
      });
      byPage.set(key, loader);
    }
    return loader;
  }

  get lastReply() {
    return (this.made.lastReply ??= new DataLoader(async (ticketIds) => {
      const replies = await this.services.tickets.lastRepliesOf(this.requireViewer(), ticketIds);
      return ticketIds.map((id) => replies.find((r) => r.ticketId === id));
    }));
  }

  ticket(reads: TicketReads = {}) {
    const byReads = (this.made.ticket ??= new Map());
    const key = `${reads.tenant ?? ''}|${reads.replies?.last ?? ''}|${reads.replies?.before ?? ''}|${Boolean(reads.replies)}`;
    let loader = byReads.get(key);
    if (!loader) {
      loader = new DataLoader<string, SupportTicket | null>(
        async (ids) => Promise.all(ids.map((id) => this.services.tickets.getTicket(this.requireViewer(), id, reads))),
        { batch: false },
      );
      byReads.set(key, loader);
    }
    return loader;
  }

  get attachments() {
    return (this.made.attachments ??= new DataLoader(async (replyIds) => {
      const byReply = groupBy(await this.services.attachments.ofReplies(this.requireViewer(), replyIds), (a) => a.replyId!);
      return replyIds.map((id) => byReply.get(id) ?? []);
    }));
  }

  get teamMember() {
    return (this.made.teamMember ??= new DataLoader(async (ids) => {
      const members = await this.services.team.byIds(ids);
      return ids.map((id) => members.find((m) => m.id === id));
    }));
  }

  get events() {
    return (this.made.events ??= new DataLoader(async (ticketIds) => {
      const byTicket = groupBy(await this.services.timeline.eventsOf(this.requireViewer(), ticketIds), (e) => e.ticketId);
      return ticketIds.map((id) => byTicket.get(id) ?? []);
    }));
  }

  get rating() {
    return (this.made.rating ??= new DataLoader(async (ticketIds) => {
      const found = await this.services.ratings.ratingsOf(this.requireViewer(), ticketIds);
      return ticketIds.map((id) => found.find((rating) => rating.ticketId === id) ?? null);
    }));
  }
}
