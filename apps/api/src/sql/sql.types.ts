import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '@app/analytics';
import { UserType } from '@app/teams';
import { JsonScalar } from './json.scalar';

@ObjectType('SqlColumn')
export class SqlColumnType {
  @Field() name: string;
  @Field({ description: 'the engine type, e.g. UInt64, Nullable(String)' }) type: string;
}

@ObjectType('SqlResult')
export class SqlResultType {
  @Field(() => [SqlColumnType]) columns: SqlColumnType[];
  @Field(() => [JsonScalar], { description: 'each row an array in column order; 64-bit integers and decimals as text' })
  rows: unknown[][];
  @Field(() => Float) rowsRead: number;
  @Field(() => Float) bytesRead: number;
  @Field(() => Float) elapsedMs: number;
  @Field({ description: 'more rows than maxRows: the answer holds the first maxRows' }) truncated: boolean;
}

@ObjectType('SavedQuery')
export class SavedQueryType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() sql: string;
  @Field(() => ID, { nullable: true }) teamId: string | null;
  @Field({ description: "visible to the team's OWNERs and ADMINs (and platform staff); else to its owner only" })
  shared: boolean;
  @Field(() => UserType) owner: UserType;
  ownerId: string;
}

@ObjectType('SqlAuditEntry')
export class SqlAuditEntryType {
  @Field(() => ID) id: string;
  @Field(() => ID) userId: string;
  @Field() at: Date;
  @Field() query: string;
  @Field() querySha256: string;
  @Field({ description: 'PLATFORM, FINANCE or TEAM' }) scope: string;
  @Field(() => ID, { nullable: true }) teamId: string | null;
  @Field(() => ID, { nullable: true }) savedQueryId: string | null;
  @Field(() => Float) rowsRead: number;
  @Field(() => Float) bytesRead: number;
  @Field(() => Float) elapsedMs: number;
  @Field({ description: 'OK, REFUSED, LIMIT or ERROR' }) outcome: string;
  @Field(() => String, { nullable: true, description: 'the error code, or the engine code of a limit or failure' })
  errorCode: string | null;
}

@ObjectType('SqlAuditEdge')
export class SqlAuditEdgeType {
  @Field() cursor: string;
  @Field(() => SqlAuditEntryType) node: SqlAuditEntryType;
}

@ObjectType('SqlAuditConnection')
export class SqlAuditConnectionType {
  @Field(() => [SqlAuditEdgeType]) edges: SqlAuditEdgeType[];
  @Field(() => PageInfo) pageInfo: PageInfo;
}
