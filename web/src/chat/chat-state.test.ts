import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../api/types.js';
import { mergeMessages, openedState } from './chat-state.js';

const conversation = { id: 'c1', selectedLeafId: 'a1' } as Conversation;
const message = (id: string, content = id) => ({ id, content }) as Message;

describe('chat state', () => {
  it('opens a partial answer on the leaf the server resolved, a whole one as it is', () => {
    const partial = openedState({
      conversation,
      messages: [message('u9'), message('a9')],
      leafId: 'a9',
      complete: false,
    });
    expect(partial).toMatchObject({ status: 'ready', partial: true });
    expect(partial.conversation?.selectedLeafId).toBe('a9');
    const whole = openedState({ conversation, messages: [message('u1'), message('a1')] });
    expect(whole.partial).toBeUndefined();
    expect(whole.conversation).toBe(conversation);
  });

  it('merges the whole tree under what changed on the page since it was asked for', () => {
    const merged = mergeMessages(
      [message('u1'), message('a1', 'old text')],
      [message('a1', 'streamed text'), message('u2')],
    );
    expect(merged.map((item) => [item.id, item.content])).toEqual([
      ['u1', 'u1'],
      ['a1', 'streamed text'],
      ['u2', 'u2'],
    ]);
  });
});
