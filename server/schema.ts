import 'reflect-metadata';
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  GraphQLID,
  GraphQLInputType,
  GraphQLScalarType,
  GraphQLSchema,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { AuthCheckerInterface, ResolverData, buildSchema } from 'type-graphql';
import { Role } from './accounts/user.entity';
import { AccountResolver } from './accounts/account.resolver';
import { AttachmentResolver, ReplyAttachmentsResolver } from './attachments/attachment.resolver';
import { AuthResolver } from './auth/auth.resolver';
import { NotificationPreferencesResolver } from './email/notification-preferences.resolver';
import { Context } from './context';
import { forbidden, unauthenticated } from './errors';
import { EventBus, createEventBus } from './realtime/pubsub';
import { SubscriptionResolver } from './realtime/subscription.resolver';
import { ReplyResolver } from './support/reply.resolver';
import { TicketResolver } from './support/ticket.resolver';
import { TeamResolver } from './team/team.resolver';
import { ActivityResolver } from './presence/activity.resolver';
import { CannedReplyResolver } from './team/canned-reply.resolver';
import { LifecycleResolver } from './lifecycle/lifecycle.resolver';
import { ReportResolver } from './reports/report.resolver';
import { RatingResolver } from './rating/rating.resolver';

const DateTimeScalar = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  name: 'DateTime',
  description: 'An ISO-8601 date and time, such as 2026-11-24T09:30:00.000Z',
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `value` of input type `type`, with every UUID given as an `ID` lowercased, in input objects and lists too. */
function lowercaseIds(type: GraphQLInputType, value: unknown): unknown {
  const nullable = getNullableType(type);
  if (value == null) return value;
  if (nullable === GraphQLID) return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : value;
  if (isListType(nullable) && Array.isArray(value)) return value.map((item) => lowercaseIds(nullable.ofType, item));
  if (isInputObjectType(nullable)) {
    const fields = value as Record<string, unknown>;
    for (const field of Object.values(nullable.getFields()))
      if (field.name in fields) fields[field.name] = lowercaseIds(field.type, fields[field.name]);
  }
  return value;
}

/**
 * The one place where ids are normalised: the database compares UUIDs in any case, but topics and
 * write turns are strings, so every id a resolver or a subscription receives is written one way.
 * (graphql-js's own `ID` scalar cannot be replaced in a schema, and a TypeGraphQL global middleware
 * would make every field asynchronous: only fields with arguments are wrapped here.)
 */
function lowercaseIdArguments(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.length) continue;
      const fold = (args: Record<string, unknown>) => {
        for (const arg of field.args) if (arg.name in args) args[arg.name] = lowercaseIds(arg.type, args[arg.name]);
        return args;
      };
      const { resolve, subscribe } = field;
      if (resolve) field.resolve = (source, args, context, info) => resolve(source, fold(args), context, info);
      if (subscribe) field.subscribe = (source, args, context, info) => subscribe(source, fold(args), context, info);
    }
  }
  return schema;
}

/** `@Authorized()` needs a signed-in viewer; `@Authorized(Role.X)` also that role. */
class RoleAuthChecker implements AuthCheckerInterface<Context, Role> {
  check({ context }: ResolverData<Context>, roles: Role[]) {
    if (!context.viewer) throw unauthenticated();
    if (roles.length && !roles.includes(context.viewer.role)) throw forbidden();
    return true;
  }
}

// TypeGraphQL takes no description for the root types; the playground's docs start from these.
const ROOT_DESCRIPTIONS = {
  Query: 'Reads. Customers see only their own tickets; the Lex team (SUPERADMIN) sees every tenant.',
  Mutation: 'Changes. Each applies the rules of the desk in one transaction and is announced live after it commits.',
  Subscription: 'Live updates over graphql-ws at the same /graphql path: replies, ticket changes and the navigation badge.',
};

export async function buildSupportSchema(pubSub: EventBus = createEventBus(undefined, () => undefined)): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    pubSub,
    resolvers: [
      AuthResolver,
      AccountResolver,
      NotificationPreferencesResolver,
      TicketResolver,
      ReplyResolver,
      AttachmentResolver,
      ReplyAttachmentsResolver,
      SubscriptionResolver,
      TeamResolver,
      CannedReplyResolver,
      ActivityResolver,
      LifecycleResolver,
      ReportResolver,
      RatingResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    authChecker: RoleAuthChecker,
    validate: false,
  });
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  return lowercaseIdArguments(schema);
}

const SCHEMA_FILE = path.resolve('server/schema.graphql');

async function printSupportSchema(): Promise<string> {
  const sdl = printSchema(lexicographicSortSchema(await buildSupportSchema()));
  return `# Emitted from the server code by \`npm run schema\`; do not edit.\n\n${sdl}\n`;
}

// `npm run schema` writes server/schema.graphql; `npm run schema -- --check` fails when it is stale.
if (require.main === module) {
  printSupportSchema().then((sdl) => {
    if (!process.argv.includes('--check')) {
      writeFileSync(SCHEMA_FILE, sdl);
      console.log(`Wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
    } else if (readFileSync(SCHEMA_FILE, 'utf8') !== sdl) {
      console.error('server/schema.graphql is out of date: run `npm run schema` and commit it');
      process.exit(1);
    }
  });
}
