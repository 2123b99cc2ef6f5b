import 'reflect-metadata';
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GraphQLScalarType, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { AuthCheckerInterface, ResolverData, buildSchema } from 'type-graphql';
import { Role } from './accounts/user.entity';
import { AccountResolver } from './accounts/account.resolver';
import { AuthResolver } from './auth/auth.resolver';
import { Context } from './context';
import { forbidden, unauthenticated } from './errors';
import { EventBus, createEventBus } from './realtime/pubsub';
import { SubscriptionResolver } from './realtime/subscription.resolver';
import { ReplyResolver } from './support/reply.resolver';
import { TicketResolver } from './support/ticket.resolver';

const DateTimeScalar = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  name: 'DateTime',
  description: 'An ISO-8601 date and time, such as 2026-11-24T09:30:00.000Z',
});

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
    resolvers: [AuthResolver, AccountResolver, TicketResolver, ReplyResolver, SubscriptionResolver],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    authChecker: RoleAuthChecker,
    validate: false,
  });
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  return schema;
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
