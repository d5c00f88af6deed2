import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CachedStatements } from './sqlite-statements.js';

describe('CachedStatements', () => {
  let database: BetterSqlite3.Database;
  let statements: CachedStatements;

  beforeEach(() => {
    database = new BetterSqlite3(path.join(mkdtempSync(path.join(os.tmpdir(), 'stmts-')), 'db'));
    database.exec('create table t (n integer)');
    statements = new CachedStatements(database);
  });
  afterEach(() => statements.close());

  it('prepares a SQL text once and runs it again with other values', () => {
    const insert = statements.prepare('insert into t (n) values (?)');
    insert.run([1]);
    expect(statements.prepare('insert into t (n) values (?)')).toBe(insert);
    statements.prepare('insert into t (n) values (?)').run([2]);
    expect(statements.prepare('select n from t order by n').all([])).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('gives a statement being iterated to no one else: a nested query gets its own', () => {
    for (const n of [1, 2, 3]) statements.prepare('insert into t (n) values (?)').run([n]);
    const select = 'select n from t where n >= ? order by n';
    const seen: Array<[unknown, unknown]> = [];
    for (const outer of statements.prepare(select).iterate([2])) {
      seen.push([outer, statements.prepare(select).all([3])]);
    }
    expect(seen).toEqual([
      [{ n: 2 }, [{ n: 3 }]],
      [{ n: 3 }, [{ n: 3 }]],
    ]);
  });

  it('still runs a cached statement after the schema changed', () => {
    const select = statements.prepare('select * from t');
    expect(select.all([])).toEqual([]);
    database.exec('alter table t add column m integer');
    database.exec('insert into t (n, m) values (1, 2)');
    expect(statements.prepare('select * from t').all([])).toEqual([{ n: 1, m: 2 }]);
  });
});
