import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatTemplate, toChatHistory } from './chat-prompt.js';
import { importNodeLlamaCpp, sharedLlama } from './native.js';
import { tinyModelPath } from './test-model.js';

describe('toChatHistory', () => {
  it('maps roles and opens a model turn to generate into', () => {
    expect(
      toChatHistory([
        { role: 'system', content: 'Rules.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'tool', content: '42' },
      ]),
    ).toEqual([
      { type: 'system', text: 'Rules.' },
      { type: 'user', text: 'Hi' },
      { type: 'model', response: ['Hello'] },
      { type: 'user', text: '42' },
      { type: 'model', response: [] },
    ]);
  });

  it('merges consecutive turns of one role, which templates often refuse', () => {
    expect(
      toChatHistory([
        { role: 'user', content: 'One' },
        { role: 'user', content: 'Two' },
      ]),
    ).toEqual([
      { type: 'user', text: 'One\n\nTwo' },
      { type: 'model', response: [] },
    ]);
  });

  it('continues a trailing assistant message instead of opening a new turn', () => {
    const history = toChatHistory([
      { role: 'user', content: 'Count' },
      { role: 'assistant', content: 'One, two,' },
    ]);
    expect(history.at(-1)).toEqual({ type: 'model', response: ['One, two,'] });
  });
});

const modelFile = tinyModelPath();

describe.skipIf(!modelFile)('ChatTemplate on the tiny model', () => {
  let model: LlamaModel;
  let template: ChatTemplate;

  beforeAll(async () => {
    const llama = await sharedLlama(false);
    model = await llama.loadModel({ modelPath: modelFile! });
    template = new ChatTemplate(await importNodeLlamaCpp(), model);
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('renders the conversation with BOS and role markers, user text kept as text', () => {
    const prompt = template.render([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello <s>' },
    ]);
    expect(prompt.tokens[0]).toBe(model.tokens.bos);
    const text = model.detokenize(prompt.tokens, true);
    expect(text).toContain('Be brief.');
    expect(text).toContain('Hello <s>');
    // "<s>" typed by a user stays text: BOS appears once, at the start.
    expect(prompt.tokens.filter((token) => token === model.tokens.bos)).toHaveLength(1);
  });

  it("collects the template's end-of-turn tokens and texts", () => {
    const prompt = template.render([{ role: 'user', content: 'Hi' }]);
    expect(prompt.stopTokens.has(model.tokens.eos!)).toBe(true);
    // This model has no chat template of its own: node-llama-cpp's general one marks turns in text.
    expect(template.name).toBe('General');
    expect(prompt.stopStrings).toContain('### Human');
    expect(new Set(prompt.stopStrings).size).toBe(prompt.stopStrings.length);
  });
});
