import {
  ASTVisitor,
  FieldNode,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  GraphQLOutputType,
  Kind,
  SelectionSetNode,
  ValidationContext,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
} from 'graphql';

/**
 * The most objects one operation may return. A list counts as many objects as its page may hold, so
 * the web app's largest operations (a list of 100 tickets with their tenant and last reply: 300; a
 * conversation of 200 replies: about 200) stay far below it, and a list of lists does not.
 */
export const MAX_COST = 2500;

/** A list whose size nothing bounds (none in the schema today) is priced as a full page. */
const UNSIZED_LIST = 100;

/** Beyond this many selections visited, a document (fragments spread into fragments) is refused unread. */
const MAX_VISITS = 10_000;

/**
 * Marks a paged field, in its GraphQL extensions: `@Extensions({ pageSize: 100 })`. Its `first` or
 * `last` argument (or that argument's default) sizes the list it returns, or the list (`nodes`) of
 * the connection it returns; an argument given as a variable counts as `pageSize`, its maximum.
 */
export interface PagedFieldExtensions {
  pageSize: number;
}

const PAGE_ARGUMENTS = ['first', 'last'];

/** The page size a paged field asks for, or undefined for a field that is not paged. */
function pageSizeOf(field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined {
  const max = (field.extensions as Partial<PagedFieldExtensions>).pageSize;
  if (max === undefined) return undefined;
  const argument = node.arguments?.find((a) => PAGE_ARGUMENTS.includes(a.name.value));
  // Out-of-range literals are the resolver's to refuse, with an error that names the argument.
  if (argument?.value.kind === Kind.INT) return Math.max(0, Math.min(Number(argument.value.value), max));
  if (argument) return max;
  const fallback = field.args.find((a) => PAGE_ARGUMENTS.includes(a.name))?.defaultValue;
  return typeof fallback === 'number' ? Math.min(fallback, max) : max;
}

const isList = (type: GraphQLOutputType) => isListType(getNullableType(type));

/**
 * Prices each operation as the number of objects it may return (scalars are free; a list field
 * multiplies what it selects by its page size), and refuses selections that walk back to an object
 * type they came from (`replies { ticket { replies … } }`): such a cycle only repeats what the
 * operation already has, and each turn of it multiplies the work.
 */
export function queryCostRule(context: ValidationContext): ASTVisitor {
  let visits = 0;
  let tooComplex = false;

  const cost = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLNamedType,
    multiplier: number,
    path: GraphQLNamedType[],
    parentPage: number | undefined,
    fragments: string[],
  ): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (++visits > MAX_VISITS) {
        tooComplex = true;
        return total;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = context.getFragment(name);
        // A fragment spread into itself is NoFragmentCyclesRule's to report.
        if (!fragment || fragments.includes(name)) continue;
        const type = context.getSchema().getType(fragment.typeCondition.name.value) ?? parentType;
        total += cost(fragment.selectionSet, type, multiplier, path, parentPage, [...fragments, name]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (context.getSchema().getType(selection.typeCondition.name.value) ?? parentType) : parentType;
        total += cost(selection.selectionSet, type, multiplier, path, parentPage, fragments);
      } else {
        // Introspection and __typename are free; unknown fields are FieldsOnCorrectTypeRule's.
        if (selection.name.value.startsWith('__') || !(isObjectType(parentType) || isInterfaceType(parentType))) continue;
        const field = parentType.getFields()[selection.name.value];
        if (!field) continue;
        const type = getNamedType(field.type);
        if (!isCompositeType(type) || !selection.selectionSet) continue;
        if (path.includes(type)) {
          context.reportError(
            new GraphQLError(
              `${parentType.name}.${field.name} leads back to a ${type.name} this operation already selects: select what you need there`,
              {
                nodes: selection,
              },
            ),
          );
          continue;
        }
        const page = pageSizeOf(field, selection);
        const count = multiplier * (isList(field.type) ? (page ?? parentPage ?? UNSIZED_LIST) : 1);
        total += count + cost(selection.selectionSet, type, count, [...path, type], page, fragments);
      }
    }
    return total;
  };

  return {
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return false;
      visits = 0;
      tooComplex = false;
      const total = cost(operation.selectionSet, root, 1, [], undefined, []);
      if (tooComplex) {
        context.reportError(new GraphQLError('The operation is too complex to price: spread fewer fragments', { nodes: operation }));
      } else if (total > MAX_COST) {
        context.reportError(
          new GraphQLError(
            `The operation may return ${total.toLocaleString('en')} objects, more than the ${MAX_COST.toLocaleString('en')} allowed: ask for smaller pages`,
            {
              nodes: operation,
              extensions: { cost: total, maxCost: MAX_COST },
            },
          ),
        );
      }
      return false;
    },
  };
}
