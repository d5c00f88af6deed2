import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../providers/types.js';
import { isForwardable } from './forwardable-body.js';
import { forwardBodies, parseForwardBody } from './parse-request.js';

const valid: Record<Endpoint, Record<string, unknown>> = {
  'chat/completions': {
    model: 'small',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ],
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 16,
  },
  completions: { model: 'small', prompt: 'Once upon a time' },
  embeddings: { model: 'embed', input: ['one', 'two'] },
};

// Values each field is set to in turn: well-typed, wrongly typed and edge cases.
const oddValues: unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  1,
  true,
  false,
  [],
  ['x'],
  [null],
  [{}],
  [{ role: 'user' }],
  [{ role: 1 }],
  {},
  { include_usage: true },
  { include_usage: 'yes' },
  { include_usage: null },
];
const fields = ['model', 'stream', 'stream_options', 'messages', 'prompt', 'input'];

function variants(endpoint: Endpoint): unknown[] {
  const bodies: unknown[] = [valid[endpoint], null, [], 'body', 42];
  for (const field of fields) {
    for (const value of oddValues) bodies.push({ ...valid[endpoint], [field]: value });
  }
  return bodies;
}

describe('isForwardable', () => {
  for (const endpoint of Object.keys(valid) as Endpoint[]) {
    it(`accepts only bodies that zod's ${endpoint} schema accepts`, () => {
      let accepted = 0;
      for (const body of variants(endpoint)) {
        const zodAccepts = forwardBodies[endpoint].safeParse(body).success;
        // The hand check may be stricter than zod (zod then decides), never looser.
        if (isForwardable(endpoint, body)) {
          expect(zodAccepts, JSON.stringify(body)).toBe(true);
          accepted++;
        }
      }
      expect(isForwardable(endpoint, valid[endpoint])).toBe(true);
      expect(accepted).toBeGreaterThan(10);
    });
  }

  it('leaves the wording of a 400 to zod', () => {
    const cases: Array<[Endpoint, unknown, string, string | null]> = [
      ['chat/completions', { messages: [{ role: 'user' }] }, 'model is required', 'model'],
      [
        'chat/completions',
        { model: 'small', messages: [] },
        'messages: messages must contain at least one message',
        'messages',
      ],
      [
        'chat/completions',
        { model: 'small', messages: [{ content: 'hi' }] },
        'messages.0.role is required',
        'messages.0.role',
      ],
      [
        'completions',
        { model: 'small', prompt: 3 },
        'prompt: prompt must be a string or an array',
        'prompt',
      ],
      ['embeddings', { model: 'embed' }, 'input: input must be a string or an array', 'input'],
    ];
    for (const [endpoint, body, message, param] of cases) {
      expect(() => parseForwardBody(endpoint, body)).toThrow(
        expect.objectContaining({ status: 400, message, param }),
      );
    }
  });

  it('reads the model and the streaming options of a body that passed', () => {
    expect(parseForwardBody('chat/completions', valid['chat/completions'])).toMatchObject({
      model: 'small',
      stream: true,
      includeUsage: true,
      body: valid['chat/completions'],
    });
    expect(parseForwardBody('embeddings', { ...valid.embeddings, stream: true })).toMatchObject({
      stream: false,
      includeUsage: false,
    });
  });
});
