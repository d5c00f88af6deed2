/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Evaluation runs (MMLU) and every answer of every run, so that a run can be inspected question by
// question and resumed after a crash without asking finished questions again. Same on SQLite and
// PostgreSQL: text ids, ISO 8601 UTC text timestamps, integer 0/1 booleans, JSON as text.
import type { Kysely } from 'kysely';

/** Creates `eval_runs` and `eval_answers`. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('eval_runs')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('benchmark', 'text', (column) => column.notNull()) // 'mmlu'
    .addColumn('model', 'text', (column) => column.notNull()) // the name asked for
    .addColumn('target', 'text') // provider/model that answered, once known
    .addColumn('method', 'text') // how answers are scored, chosen on the first question
    .addColumn('shots', 'integer', (column) => column.notNull())
    .addColumn('split', 'text', (column) => column.notNull())
    .addColumn('subjects', 'text', (column) => column.notNull()) // JSON array
    .addColumn('question_limit', 'integer') // first N questions per subject; null for all
    // Everything that must match for a run to be resumed (model, split, shots, subjects, limit,
    // data digest), as one canonical string.
    .addColumn('parameters_key', 'text', (column) => column.notNull())
    .addColumn('data_digest', 'text', (column) => column.notNull())
    .addColumn('question_count', 'integer', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull()) // 'running' | 'finished'
    .addColumn('results', 'text') // JSON summary once finished
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('eval_runs_parameters_key_status')
    .on('eval_runs')
    .columns(['parameters_key', 'status'])
    .execute();
  await db.schema
    .createTable('eval_answers')
    .addColumn('run_id', 'text', (column) =>
      column.notNull().references('eval_runs.id').onDelete('cascade'),
    )
    .addColumn('subject', 'text', (column) => column.notNull())
    .addColumn('question_index', 'integer', (column) => column.notNull()) // row in the file
    .addColumn('expected', 'text', (column) => column.notNull()) // the right letter
    .addColumn('chosen', 'text') // the model's letter; null when none could be read
    .addColumn('correct', 'integer', (column) => column.notNull())
    .addColumn('method', 'text', (column) => column.notNull())
    .addColumn('shots_used', 'integer', (column) => column.notNull())
    .addColumn('logprobs', 'text') // JSON [A, B, C, D]; null entries where unknown
    .addColumn('response', 'text') // generated text, for the method that generates
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('eval_answers_pkey', ['run_id', 'subject', 'question_index'])
    .execute();
}

/** Drops `eval_answers` and `eval_runs`. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('eval_answers').execute();
  await db.schema.dropTable('eval_runs').execute();
}
