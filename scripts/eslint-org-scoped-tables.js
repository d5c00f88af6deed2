// ESLint rule `salon/org-scoped-tables`: tables that belong to one organisation are queried only
// through identity/org-scope.ts (OrgScope), which adds the organisation's id to every query, so a
// route that forgets the check cannot reach another organisation's rows. A direct
// `db.selectFrom('teams')` (or update, delete, insert, join) elsewhere is an error; the rare query
// that must span organisations says why in an eslint-disable comment. The rule reads names, not
// types: an OrgScope is, by convention, a value whose name ends in `scope`.

/** The organisation-owned tables added with organisations (migration 0009). */
export const orgScopedTables = new Set([
  'teams',
  'team_members',
  'invitations',
  'model_access',
  'quotas',
  'org_sso',
  'audit_events',
]);

const queryMethods = new Set([
  'selectFrom',
  'updateTable',
  'deleteFrom',
  'insertInto',
  'innerJoin',
  'leftJoin',
  'rightJoin',
  'fullJoin',
]);

/** Whether `node` names an OrgScope by convention: an identifier or property ending in "scope". */
function scopeName(node) {
  const name =
    node.type === 'Identifier'
      ? node.name
      : node.type === 'MemberExpression' && node.property.type === 'Identifier'
        ? node.property.name
        : '';
  return /scope$/i.test(name);
}

/** @type {import('eslint').Rule.RuleModule} */
export const orgScopedTablesRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Query organisation-owned tables only through OrgScope' },
    schema: [],
    messages: {
      direct:
        "'{{table}}' belongs to one organisation: query it through OrgScope (src/identity/org-scope.ts).",
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        if (!queryMethods.has(callee.property.name)) return;
        const first = node.arguments[0];
        if (!first || first.type !== 'Literal' || typeof first.value !== 'string') return;
        // `scope.selectFrom('teams')`, `caller.scope.…`, `orgScope.…`: already an OrgScope.
        if (scopeName(callee.object)) return;
        const table = first.value.split(/\s+as\s+/i)[0].trim();
        if (orgScopedTables.has(table)) {
          context.report({ node, messageId: 'direct', data: { table } });
        }
      },
    };
  },
};
