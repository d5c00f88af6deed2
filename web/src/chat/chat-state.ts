// The open chat's state and how a conversation's answer becomes it: a chat opens from its
// branch's end (`?tail=`), or its early answer when that has arrived, and takes the whole tree
// once the first frame is on screen.
import { useEffect, type Dispatch, type SetStateAction } from 'react';
import { api } from '../api/client.js';
import { conversationPath, conversationTailPath, takeEarly } from '../api/early-fetch.js';
import type { Conversation, ConversationAnswer, Message } from '../api/types.js';
import { afterNextPaint } from '../lib/after-paint.js';

/** How the chat is loading. */
export type ChatStatus = 'new' | 'loading' | 'ready' | 'not-found' | 'error';

/** The open chat: its conversation and messages (all, or the branch's end), or why not. */
export interface ChatState {
  status: ChatStatus;
  conversation: Conversation | null;
  messages: Message[];
  /** Only the end of the selected branch is here yet (the rest loads after the first paint). */
  partial?: boolean;
  error?: string;
}

/** No chat open yet (a new one starts on its first message). */
export const emptyState: ChatState = { status: 'new', conversation: null, messages: [] };

/**
 * The state an answer (whole, or the branch's end) opens the chat with. A partial answer shows
 * its leaf: the selection may name a message older than the messages it holds.
 */
export function openedState(answer: ConversationAnswer): ChatState {
  if (answer.complete !== false) {
    return { status: 'ready', conversation: answer.conversation, messages: answer.messages };
  }
  return {
    status: 'ready',
    conversation: { ...answer.conversation, selectedLeafId: answer.leafId ?? null },
    messages: answer.messages,
    partial: true,
  };
}

/** The first state: the conversation's early answer when it has already arrived. */
export function initialState(conversationId: string | null): ChatState {
  if (conversationId === null) return emptyState;
  const early = takeEarly<ConversationAnswer>(conversationTailPath(conversationId));
  return early ? openedState(early) : emptyState;
}

/** The whole tree, with what changed here since it was asked for (replies, ratings) kept. */
export function mergeMessages(whole: readonly Message[], shown: readonly Message[]): Message[] {
  const byId = new Map(whole.map((message) => [message.id, message]));
  for (const message of shown) byId.set(message.id, message);
  return [...byId.values()];
}

/**
 * Loads the whole tree of the conversation `partialId` (opened from its branch's end) after the
 * next paint, and merges it in; a failure is reported through `onError`.
 */
export function useWholeTree(
  partialId: string | null,
  setState: Dispatch<SetStateAction<ChatState>>,
  onError: (message: string) => void,
): void {
  useEffect(() => {
    if (partialId === null) return;
    const controller = new AbortController();
    const cancel = afterNextPaint(() => {
      api<ConversationAnswer>(conversationPath(partialId), { signal: controller.signal }).then(
        (answer) =>
          setState((previous) =>
            previous.conversation?.id !== partialId
              ? previous
              : {
                  ...previous,
                  partial: false,
                  messages: mergeMessages(answer.messages, previous.messages),
                },
          ),
        (error: unknown) => {
          if (!controller.signal.aborted) onError((error as Error).message);
        },
      );
    });
    return () => {
      cancel();
      controller.abort();
    };
  }, [partialId, setState, onError]);
}
