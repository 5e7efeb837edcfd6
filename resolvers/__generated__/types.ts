import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { JobView } from '../../src/queue/job-view.js';
import type { BusEvent } from '../../src/events/event-types.js';
import type { AgentView } from '../../src/queue/presence.js';
import type { RequestContext } from '../../src/server/context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  DateTime: { input: string; output: string; }
  JSON: { input: unknown; output: unknown; }
};

export type Agent = {
  __typename?: 'Agent';
  activeJobs: Scalars['Int']['output'];
  host: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastSeen: Scalars['DateTime']['output'];
  pid: Scalars['Int']['output'];
  queues: Array<Scalars['String']['output']>;
  startedAt: Scalars['DateTime']['output'];
};

export type BuildInput = {
  command: Array<Scalars['String']['input']>;
  env?: InputMaybe<Scalars['JSON']['input']>;
  timeoutSeconds?: InputMaybe<Scalars['Int']['input']>;
  workspace: Scalars['String']['input'];
};

/** What one dependency of the service reports right now. */
export type DependencyStatus = {
  __typename?: 'DependencyStatus';
  detail?: Maybe<Scalars['String']['output']>;
  error?: Maybe<Scalars['String']['output']>;
  latencyMs: Scalars['Float']['output'];
  name: Scalars['String']['output'];
  ok: Scalars['Boolean']['output'];
  version?: Maybe<Scalars['String']['output']>;
};

export type EnqueueResult = {
  __typename?: 'EnqueueResult';
  /** false when an earlier call with the same idempotencyKey already created this job */
  created: Scalars['Boolean']['output'];
  job: Job;
  jobId: Scalars['ID']['output'];
};

/** One event of a stream (DESIGN §5). Pass the last `id` you saw as `after` to resume without gaps or repeats. */
export type Event = {
  __typename?: 'Event';
  data: Scalars['JSON']['output'];
  id: Scalars['ID']['output'];
  jobId?: Maybe<Scalars['ID']['output']>;
  seq: Scalars['Int']['output'];
  traceId?: Maybe<Scalars['String']['output']>;
  ts: Scalars['DateTime']['output'];
  type: Scalars['String']['output'];
};

export type ExecuteInput = {
  action: Scalars['String']['input'];
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  params?: InputMaybe<Scalars['JSON']['input']>;
};

/** The service and its dependencies (the same checks as GET /readyz). */
export type Health = {
  __typename?: 'Health';
  dependencies: Array<DependencyStatus>;
  status: Scalars['String']['output'];
  uptimeSeconds: Scalars['Float']['output'];
  version: Scalars['String']['output'];
};

export type IndexingInput = {
  exclude?: InputMaybe<Array<Scalars['String']['input']>>;
  include?: InputMaybe<Array<Scalars['String']['input']>>;
  mode?: InputMaybe<Scalars['String']['input']>;
  root: Scalars['String']['input'];
};

/** One job of any agent, with its place in the job contract (DESIGN §4). */
export type Job = {
  __typename?: 'Job';
  artifacts: Array<Scalars['JSON']['output']>;
  attempts: Scalars['Int']['output'];
  enqueuedAt: Scalars['DateTime']['output'];
  error?: Maybe<JobError>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  idempotencyKey?: Maybe<Scalars['String']['output']>;
  input?: Maybe<Scalars['JSON']['output']>;
  leaseDeadline?: Maybe<Scalars['DateTime']['output']>;
  maxAttempts: Scalars['Int']['output'];
  parentJobId?: Maybe<Scalars['ID']['output']>;
  result?: Maybe<Scalars['JSON']['output']>;
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: JobStatus;
  traceId: Scalars['String']['output'];
  type: JobType;
  workerId?: Maybe<Scalars['String']['output']>;
};

export type JobConnection = {
  __typename?: 'JobConnection';
  edges: Array<JobEdge>;
  pageInfo: PageInfo;
};

export type JobEdge = {
  __typename?: 'JobEdge';
  cursor: Scalars['String']['output'];
  node: Job;
};

export type JobError = {
  __typename?: 'JobError';
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
  retryable: Scalars['Boolean']['output'];
};

export type JobFilter = {
  since?: InputMaybe<Scalars['DateTime']['input']>;
  status?: InputMaybe<JobStatus>;
  type?: InputMaybe<JobType>;
};

export type JobStatus =
  | 'active'
  | 'cancelled'
  | 'completed'
  | 'dead'
  | 'failed'
  | 'queued'
  | 'retrying';

export type JobType =
  | 'build'
  | 'execute'
  | 'indexing'
  | 'orchestrate'
  | 'research';

export type Mutation = {
  __typename?: 'Mutation';
  cancelJob: Job;
  enqueueBuild: EnqueueResult;
  enqueueExecute: EnqueueResult;
  enqueueIndexing: EnqueueResult;
  enqueueResearch: EnqueueResult;
  requeueDeadLetter: Job;
  retryJob: Job;
};


export type MutationCancelJobArgs = {
  id: Scalars['ID']['input'];
};


export type MutationEnqueueBuildArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: BuildInput;
  parentJobId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationEnqueueExecuteArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: ExecuteInput;
  parentJobId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationEnqueueIndexingArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: IndexingInput;
  parentJobId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationEnqueueResearchArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: ResearchInput;
  parentJobId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationRequeueDeadLetterArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRetryJobArgs = {
  id: Scalars['ID']['input'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  agents: Array<Agent>;
  deadLetters: Array<Job>;
  health: Health;
  job?: Maybe<Job>;
  jobs: JobConnection;
  queueStats: Array<QueueStat>;
};


export type QueryDeadLettersArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryJobArgs = {
  id: Scalars['ID']['input'];
};


export type QueryJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<JobFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type QueueStat = {
  __typename?: 'QueueStat';
  active: Scalars['Int']['output'];
  completed: Scalars['Int']['output'];
  delayed: Scalars['Int']['output'];
  failed: Scalars['Int']['output'];
  oldestWaitingAgeMs?: Maybe<Scalars['Float']['output']>;
  queue: Scalars['String']['output'];
  waiting: Scalars['Int']['output'];
};

export type ResearchInput = {
  freshness?: InputMaybe<Scalars['String']['input']>;
  maxItems?: InputMaybe<Scalars['Int']['input']>;
  question: Scalars['String']['input'];
  sources?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Workers coming up, beating and going down. */
  agentPresence: Event;
  /** A job's events, oldest first after `after`; ends after the job's terminal event. */
  jobEvents: Event;
  /** Job lifecycle events of every job (enqueued, completed, stalled, dead). */
  systemEvents: Event;
};


export type SubscriptionAgentPresenceArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
};


export type SubscriptionJobEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  jobId: Scalars['ID']['input'];
};


export type SubscriptionSystemEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Agent: ResolverTypeWrapper<AgentView>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  BuildInput: BuildInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DependencyStatus: ResolverTypeWrapper<DependencyStatus>;
  EnqueueResult: ResolverTypeWrapper<Omit<EnqueueResult, 'job'> & { job: ResolversTypes['Job'] }>;
  Event: ResolverTypeWrapper<BusEvent>;
  ExecuteInput: ExecuteInput;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Health: ResolverTypeWrapper<Health>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  IndexingInput: IndexingInput;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  Job: ResolverTypeWrapper<JobView>;
  JobConnection: ResolverTypeWrapper<Omit<JobConnection, 'edges'> & { edges: Array<ResolversTypes['JobEdge']> }>;
  JobEdge: ResolverTypeWrapper<Omit<JobEdge, 'node'> & { node: ResolversTypes['Job'] }>;
  JobError: ResolverTypeWrapper<JobError>;
  JobFilter: JobFilter;
  JobStatus: JobStatus;
  JobType: JobType;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  QueueStat: ResolverTypeWrapper<QueueStat>;
  ResearchInput: ResearchInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Agent: AgentView;
  Boolean: Scalars['Boolean']['output'];
  BuildInput: BuildInput;
  DateTime: Scalars['DateTime']['output'];
  DependencyStatus: DependencyStatus;
  EnqueueResult: Omit<EnqueueResult, 'job'> & { job: ResolversParentTypes['Job'] };
  Event: BusEvent;
  ExecuteInput: ExecuteInput;
  Float: Scalars['Float']['output'];
  Health: Health;
  ID: Scalars['ID']['output'];
  IndexingInput: IndexingInput;
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  Job: JobView;
  JobConnection: Omit<JobConnection, 'edges'> & { edges: Array<ResolversParentTypes['JobEdge']> };
  JobEdge: Omit<JobEdge, 'node'> & { node: ResolversParentTypes['Job'] };
  JobError: JobError;
  JobFilter: JobFilter;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  QueueStat: QueueStat;
  ResearchInput: ResearchInput;
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
}>;

export type AgentResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Agent'] = ResolversParentTypes['Agent']> = ResolversObject<{
  activeJobs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  host?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastSeen?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  pid?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  queues?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DependencyStatusResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DependencyStatus'] = ResolversParentTypes['DependencyStatus']> = ResolversObject<{
  detail?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  latencyMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ok?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  version?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type EnqueueResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['EnqueueResult'] = ResolversParentTypes['EnqueueResult']> = ResolversObject<{
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  job?: Resolver<ResolversTypes['Job'], ParentType, ContextType>;
  jobId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type EventResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Event'] = ResolversParentTypes['Event']> = ResolversObject<{
  data?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  jobId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  seq?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  traceId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ts?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type HealthResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Health'] = ResolversParentTypes['Health']> = ResolversObject<{
  dependencies?: Resolver<Array<ResolversTypes['DependencyStatus']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uptimeSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type JobResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Job'] = ResolversParentTypes['Job']> = ResolversObject<{
  artifacts?: Resolver<Array<ResolversTypes['JSON']>, ParentType, ContextType>;
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  enqueuedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['JobError']>, ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  idempotencyKey?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  input?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  leaseDeadline?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  maxAttempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  parentJobId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  result?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['JobStatus'], ParentType, ContextType>;
  traceId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['JobType'], ParentType, ContextType>;
  workerId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type JobConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['JobConnection'] = ResolversParentTypes['JobConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['JobEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type JobEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['JobEdge'] = ResolversParentTypes['JobEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Job'], ParentType, ContextType>;
}>;

export type JobErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['JobError'] = ResolversParentTypes['JobError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  retryable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  cancelJob?: Resolver<ResolversTypes['Job'], ParentType, ContextType, RequireFields<MutationCancelJobArgs, 'id'>>;
  enqueueBuild?: Resolver<ResolversTypes['EnqueueResult'], ParentType, ContextType, RequireFields<MutationEnqueueBuildArgs, 'input'>>;
  enqueueExecute?: Resolver<ResolversTypes['EnqueueResult'], ParentType, ContextType, RequireFields<MutationEnqueueExecuteArgs, 'input'>>;
  enqueueIndexing?: Resolver<ResolversTypes['EnqueueResult'], ParentType, ContextType, RequireFields<MutationEnqueueIndexingArgs, 'input'>>;
  enqueueResearch?: Resolver<ResolversTypes['EnqueueResult'], ParentType, ContextType, RequireFields<MutationEnqueueResearchArgs, 'input'>>;
  requeueDeadLetter?: Resolver<ResolversTypes['Job'], ParentType, ContextType, RequireFields<MutationRequeueDeadLetterArgs, 'id'>>;
  retryJob?: Resolver<ResolversTypes['Job'], ParentType, ContextType, RequireFields<MutationRetryJobArgs, 'id'>>;
}>;

export type PageInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  agents?: Resolver<Array<ResolversTypes['Agent']>, ParentType, ContextType>;
  deadLetters?: Resolver<Array<ResolversTypes['Job']>, ParentType, ContextType, RequireFields<QueryDeadLettersArgs, 'first'>>;
  health?: Resolver<ResolversTypes['Health'], ParentType, ContextType>;
  job?: Resolver<Maybe<ResolversTypes['Job']>, ParentType, ContextType, RequireFields<QueryJobArgs, 'id'>>;
  jobs?: Resolver<ResolversTypes['JobConnection'], ParentType, ContextType, RequireFields<QueryJobsArgs, 'first'>>;
  queueStats?: Resolver<Array<ResolversTypes['QueueStat']>, ParentType, ContextType>;
}>;

export type QueueStatResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['QueueStat'] = ResolversParentTypes['QueueStat']> = ResolversObject<{
  active?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  completed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  delayed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  oldestWaitingAgeMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  queue?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  waiting?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  agentPresence?: SubscriptionResolver<ResolversTypes['Event'], "agentPresence", ParentType, ContextType, Partial<SubscriptionAgentPresenceArgs>>;
  jobEvents?: SubscriptionResolver<ResolversTypes['Event'], "jobEvents", ParentType, ContextType, RequireFields<SubscriptionJobEventsArgs, 'jobId'>>;
  systemEvents?: SubscriptionResolver<ResolversTypes['Event'], "systemEvents", ParentType, ContextType, Partial<SubscriptionSystemEventsArgs>>;
}>;

export type Resolvers<ContextType = RequestContext> = ResolversObject<{
  Agent?: AgentResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DependencyStatus?: DependencyStatusResolvers<ContextType>;
  EnqueueResult?: EnqueueResultResolvers<ContextType>;
  Event?: EventResolvers<ContextType>;
  Health?: HealthResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  Job?: JobResolvers<ContextType>;
  JobConnection?: JobConnectionResolvers<ContextType>;
  JobEdge?: JobEdgeResolvers<ContextType>;
  JobError?: JobErrorResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  QueueStat?: QueueStatResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
}>;

