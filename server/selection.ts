import { FieldNode, GraphQLResolveInfo, Kind, SelectionSetNode, getArgumentValues, getNamedType, isObjectType } from 'graphql';

/**
 * The names of the fields a request selects under `path` of the field being resolved, through
 * fragments (`@skip` and `@include` are not read: a field they drop is only read for nothing), so a
 * service can read what the nested fields will ask for with the parent, in its transaction.
 */
export function selectedFields(info: GraphQLResolveInfo, ...path: string[]): Set<string> {
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path)
    sets = fieldsIn(info, sets)
      .filter((field) => field.name.value === name)
      .flatMap((field) => (field.selectionSet ? [field.selectionSet] : []));
  return new Set(fieldsIn(info, sets).map((field) => field.name.value));
}

/**
 * The arguments (defaults applied) of the field `name` of the object being resolved, when the
 * request selects it exactly once; null when it does not, or selects it more than once (aliases).
 */
export function argumentsOfSelected(info: GraphQLResolveInfo, name: string): Record<string, unknown> | null {
  const nodes = fieldsIn(
    info,
    info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : [])),
  ).filter((field) => field.name.value === name);
  const type = getNamedType(info.returnType);
  const definition = isObjectType(type) ? type.getFields()[name] : undefined;
  return nodes.length === 1 && definition ? getArgumentValues(definition, nodes[0], info.variableValues) : null;
}

function fieldsIn(info: GraphQLResolveInfo, sets: readonly SelectionSetNode[]): FieldNode[] {
  return sets.flatMap((set) =>
    set.selections.flatMap((selection) => {
      if (selection.kind === Kind.FIELD) return [selection];
      if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsIn(info, [selection.selectionSet]);
      const fragment = info.fragments[selection.name.value];
      return fragment ? fieldsIn(info, [fragment.selectionSet]) : [];
    }),
  );
}
