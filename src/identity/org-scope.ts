// One organisation's view of the store. Every query on an organisation-owned table goes through
// an OrgScope, which adds `org_id = <this organisation>` itself, so a route that forgets to check
// the caller's organisation still cannot read, change or delete another organisation's rows.
// ESLint (`salon/org-scoped-tables` in eslint.config.js) refuses direct queries on these tables
// anywhere else.
import {
  sql,
  type DeleteQueryBuilder,
  type DeleteResult,
  type Insertable,
  type Kysely,
  type SelectQueryBuilder,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import type { Database, TeamRole } from '../store/database.js';

/** Tables whose rows belong to one organisation through their own `org_id` column. */
export type OrgOwnedTable =
  | 'users'
  | 'teams'
  | 'invitations'
  | 'model_access'
  | 'quotas'
  | 'org_sso'
  | 'audit_events'
  | 'usage_events'
  | 'usage_daily'
  | 'usage_daily_model'
  | 'usage_daily_user'
  | 'usage_active_days'
  | 'api_keys';

/** Queries confined to one organisation. */
export class OrgScope {
  constructor(
    readonly db: Kysely<Database>,
    readonly orgId: string,
  ) {}

  /** `select … from table where table.org_id = this organisation`. */
  // The casts below only undo TypeScript's failure to call Kysely's overloads on a generic table
  // name; the SQL is the same for every table.
  selectFrom<T extends OrgOwnedTable>(table: T): SelectQueryBuilder<Database, T, object> {
    const query = this.db.selectFrom(table as OrgOwnedTable);
    return query.where(sql.ref(`${table}.org_id`), '=', this.orgId) as never;
  }

  /** `update table … where org_id = this organisation`. */
  updateTable<T extends OrgOwnedTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    const query = this.db.updateTable(table as OrgOwnedTable);
    return query.where(sql.ref(`${table}.org_id`), '=', this.orgId) as never;
  }

  /** `delete from table where org_id = this organisation`. */
  deleteFrom<T extends OrgOwnedTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult> {
    const query = this.db.deleteFrom(table as OrgOwnedTable);
    return query.where(sql.ref(`${table}.org_id`), '=', this.orgId) as never;
  }

  /** `insert into table`; every row gets this organisation's id, whatever it says. */
  insertInto<T extends Exclude<OrgOwnedTable, 'audit_events'>>(
    table: T,
    rows: readonly Omit<Insertable<Database[T]>, 'org_id'>[],
  ) {
    const owned = rows.map((row) => ({ ...row, org_id: this.orgId }));
    return this.db.insertInto(table as OrgOwnedTable).values(owned as never);
  }

  /** Team memberships, joined to their team so that only this organisation's are visible. */
  teamMembers() {
    return this.db
      .selectFrom('team_members')
      .innerJoin('teams', 'teams.id', 'team_members.team_id')
      .where('teams.org_id', '=', this.orgId);
  }

  /**
   * Puts a user in a team with a role (or changes the role), only when both the team and the
   * user belong to this organisation; returns whether a row was written.
   */
  async upsertTeamMember(teamId: string, userId: string, role: TeamRole): Promise<boolean> {
    const result = await this.db
      .insertInto('team_members')
      .columns(['team_id', 'user_id', 'role', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('teams')
          .innerJoin('users', 'users.org_id', 'teams.org_id')
          .select([
            'teams.id',
            'users.id as user_id',
            eb.val(role).as('role'),
            eb.val(new Date().toISOString()).as('created_at'),
          ])
          .where('teams.org_id', '=', this.orgId)
          .where('teams.id', '=', teamId)
          .where('users.id', '=', userId),
      )
      .onConflict((conflict) => conflict.columns(['team_id', 'user_id']).doUpdateSet({ role }))
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Deletes memberships of this organisation's teams matching `filter`'s team and/or user. */
  deleteTeamMembers(filter: { teamId?: string; userId?: string }) {
    let query = this.db
      .deleteFrom('team_members')
      .where(
        'team_id',
        'in',
        this.db.selectFrom('teams').select('id').where('org_id', '=', this.orgId),
      );
    if (filter.teamId) query = query.where('team_id', '=', filter.teamId);
    if (filter.userId) query = query.where('user_id', '=', filter.userId);
    return query;
  }
}
