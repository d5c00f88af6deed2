import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isSalonError } from './errors.js';
import { parseBody } from './parse-body.js';

const schema = z.object({
  model: z.string(),
  stream: z.boolean().nullish(),
  messages: z.array(z.object({ role: z.string() })),
});

function refusal(body: unknown) {
  try {
    parseBody(schema, body);
  } catch (error) {
    if (isSalonError(error)) return { message: error.message, param: error.param };
    throw error;
  }
  throw new Error('accepted');
}

describe('parseBody', () => {
  it('names a missing field as required', () => {
    expect(refusal({ messages: [] })).toEqual({ message: 'model is required', param: 'model' });
    expect(refusal({ model: 'm', messages: [{}] })).toMatchObject({
      message: 'messages.0.role is required',
      param: 'messages.0.role',
    });
  });

  it('names a field of the wrong type as such, not as missing', () => {
    const bad = refusal({ model: 'm', stream: 'yes', messages: [] });
    expect(bad.param).toBe('stream');
    expect(bad.message).toMatch(/^stream: .*boolean/);
    const role = refusal({ model: 'm', messages: [{ role: 7 }] });
    expect(role.message).toMatch(/^messages\.0\.role: .*string/);
  });

  it('refuses a body that is not an object', () => {
    expect(refusal([1])).toMatchObject({ message: 'The request body must be a JSON object.' });
  });
});
