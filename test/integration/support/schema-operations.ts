import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/** One root field as a runnable operation: its document, variables, and whether it names another object by id. */
export interface FieldOperation {
  /** `Query.job`, `Mutation.enqueueResearch`, … (the key of GRAPHQL_SCOPES) */
  name: string;
  kind: 'query' | 'mutation' | 'subscription';
  document: string;
  variables: Record<string, unknown>;
  args: Record<string, unknown>;
  /** True when an ID argument points at the seeded job: another tenant must get NOT_FOUND. */
  referencesId: boolean;
}

export interface SampleValues {
  /** every ID argument (required or not) gets this */
  id: string;
  /** every String gets this */
  text: string;
  /**
   * A valid value per input type where required fields alone are not one: an input of several alternative forms
   * (BuildInput: `source`+`steps` or `workspace`+`command`) has no required field, and `{}` is BAD_INPUT.
   */
  inputs?: Record<string, unknown>;
  /**
   * How deep the selection of a root field goes (default 3). The generated graph API's types have a dozen
   * relationships each, and a 3-level selection of all of them is a Cypher query of hundreds of subqueries.
   */
  depth?: (name: string) => number;
}

/** A value of `type` that passes GraphQL validation: required input fields filled, optional ones left out. */
function sample(type: GraphQLInputType, values: SampleValues): unknown {
  if (isNonNullType(type)) return sample(type.ofType, values);
  if (isListType(type)) return [sample(type.ofType as GraphQLInputType, values)];
  if (isInputObjectType(type)) {
    if (values.inputs?.[type.name] !== undefined) return values.inputs[type.name];
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, sample(f.type, values)]),
    );
  }
  if (isEnumType(type)) return type.getValues()[0]?.value;
  switch (type.name) {
    case 'ID':
      return values.id;
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'JSON':
      return {};
    case 'DateTime':
      return new Date().toISOString();
    default:
      return values.text;
  }
}

/** Every field without required arguments, `maxDepth` (3) levels deep: enough to see any data a response leaks. */
function selection(type: GraphQLOutputType, maxDepth = 3, depth = 0): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  if (depth >= maxDepth) return '{ __typename }';
  const fields = Object.values((named as GraphQLObjectType).getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type)));
  return `{ __typename ${fields.map((f) => `${f.name} ${selection(f.type, maxDepth, depth + 1)}`).join(' ')} }`;
}

function operationOf(kind: FieldOperation['kind'], field: GraphQLField<unknown, unknown>, values: SampleValues): FieldOperation {
  const args = field.args.filter((a) => isNonNullType(a.type) || getNamedType(a.type).name === 'ID');
  const variables = Object.fromEntries(args.map((a) => [a.name, sample(a.type, values)]));
  const definitions = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const name = `${kind === 'query' ? 'Query' : kind === 'mutation' ? 'Mutation' : 'Subscription'}.${field.name}`;
  return {
    name,
    kind,
    document: `${kind} Op${definitions ? `(${definitions})` : ''} { ${field.name}${call ? `(${call})` : ''} ${selection(field.type, values.depth?.(name))} }`,
    variables,
    args: variables,
    referencesId: args.some((a) => getNamedType(a.type).name === 'ID'),
  };
}

/** Every root field of the schema as an operation: a field added to schema/*.graphql is here without a test change. */
export function rootFieldOperations(schema: GraphQLSchema, values: SampleValues): FieldOperation[] {
  const roots: Array<[FieldOperation['kind'], GraphQLObjectType | null | undefined]> = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, type]) => (type ? Object.values(type.getFields()).map((field) => operationOf(kind, field, values)) : []));
}
