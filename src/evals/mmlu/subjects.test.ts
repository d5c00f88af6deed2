import { describe, expect, it } from 'vitest';
import { categoryOf, mmluCategories, mmluSubjects } from './subjects.js';

describe('MMLU subjects', () => {
  it('has the 57 subjects, each in one category, in the standard proportions', () => {
    expect(mmluSubjects).toHaveLength(57);
    const counts = mmluCategories.map(
      (category) => mmluSubjects.filter((subject) => categoryOf(subject) === category).length,
    );
    expect(counts).toEqual([19, 13, 12, 13]);
    expect(categoryOf('professional_law')).toBe('humanities');
    expect(categoryOf('human_sexuality')).toBe('social_sciences');
    expect(categoryOf('not_a_subject')).toBeUndefined();
  });
});
