// The limits an API key and a quota share (requests and tokens per minute, a token or dollar
// budget per day or month): the form's inputs and the table's one-line summary.
import type { Dispatch, SetStateAction } from 'react';
import { Field, formatNumber } from './admin-parts.js';
import type { AdminTranslate } from './admin-text.js';

/** The limit inputs' text, empty for "no limit". */
export const emptyLimits = { rpm: '', tpm: '', budgetTokens: '', budgetUsd: '' };
/** The limit inputs' text, by field. */
export type LimitDrafts = typeof emptyLimits;
/** One numeric limit. */
export type LimitField = keyof LimitDrafts;
/** Every numeric limit, in the form's order. */
export const limitFields: readonly LimitField[] = ['rpm', 'tpm', 'budgetTokens', 'budgetUsd'];
/** How often a budget starts again. */
export type BudgetPeriod = 'day' | 'month';

/** Saved limits, null where there is none. */
export interface LimitValues {
  rpm: number | null;
  tpm: number | null;
  budgetTokens: number | null;
  budgetUsd: number | null;
  budgetPeriod: BudgetPeriod | null;
}

/** The numeric limits and the budget period, as fields of the caller's grid. */
export function LimitInputs({
  t,
  limits,
  setLimits,
  period,
  setPeriod,
}: {
  t: AdminTranslate;
  limits: LimitDrafts;
  setLimits: Dispatch<SetStateAction<LimitDrafts>>;
  period: BudgetPeriod;
  setPeriod(period: BudgetPeriod): void;
}) {
  return (
    <>
      {limitFields.map((field) => (
        <Field key={field} label={t(field)}>
          <input
            type="number"
            min={field === 'budgetUsd' ? 0.01 : 1}
            step={field === 'budgetUsd' ? 0.01 : 1}
            value={limits[field]}
            onChange={(event) =>
              setLimits((previous) => ({ ...previous, [field]: event.target.value }))
            }
          />
        </Field>
      ))}
      <Field label={t('budgetPeriod')}>
        <select value={period} onChange={(event) => setPeriod(event.target.value as BudgetPeriod)}>
          <option value="day">{t('perDay')}</option>
          <option value="month">{t('perMonth')}</option>
        </select>
      </Field>
    </>
  );
}

/** "Requests per minute: 60, …, per month", or "No limit". */
export function describeLimits(limits: LimitValues, t: AdminTranslate, language: string): string {
  const { rpm, tpm, budgetTokens, budgetUsd, budgetPeriod } = limits;
  const parts = [
    rpm !== null && `${t('rpm')}: ${rpm}`,
    tpm !== null && `${t('tpm')}: ${tpm}`,
    budgetTokens !== null && `${t('budgetTokens')}: ${formatNumber(budgetTokens, language)}`,
    budgetUsd !== null && `${t('budgetUsd')}: ${budgetUsd}`,
    budgetPeriod && t(budgetPeriod === 'day' ? 'perDay' : 'perMonth'),
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : t('unlimited');
}
