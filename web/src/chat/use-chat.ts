// The state of the open chat: its conversation, the message tree, and the runs being
// followed. A new chat is created on the first message; a chat reopened while a reply is
// still streaming follows that run live from its first event.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../api/client.js';
import { apiOrEarly, conversationPath, conversationTailPath } from '../api/early-fetch.js';
import { followRun } from '../api/follow-run.js';
import type {
  Conversation,
  ConversationAnswer,
  Feedback,
  Message,
  MessageStatus,
  RunStart,
} from '../api/types.js';
import { useConversations } from '../data/conversations.js';
import { navigate } from '../lib/router.js';
import {
  emptyState,
  initialState,
  openedState,
  useWholeTree,
  type ChatState,
} from './chat-state.js';
import { LiveTextBuffer } from './live-text.js';
import { buildTree, latestLeaf, selectedPath } from './message-tree.js';

/**
 * Refusals by a quota or the organisation's model access rules (docs/quotas.md): the server's
 * message names the quota and when it resets, and is shown as it is; nothing was stored.
 */
const refusalCodes = new Set(['budget_exceeded', 'rate_limit_exceeded', 'model_not_allowed']);

/** Settings of a chat that does not exist yet. */
export interface DraftSettings {
  model: string | null;
  systemPrompt: string;
  /** A temporary chat: never listed or searched, deleted by the server once idle. */
  temporary?: boolean;
}

/** What a finish reason means for the message. */
export function statusOfFinish(reason: string): MessageStatus {
  if (/interrupt/i.test(reason)) return 'interrupted';
  // 'stop' is OpenAI's natural end; a user's Stop is reported as stopped/cancelled/aborted.
  return /stopped|cancel|abort/i.test(reason) ? 'stopped' : 'complete';
}

/** The open chat and what the user can do in it. */
export function useChat(conversationId: string | null) {
  const conversations = useConversations();
  const [state, setState] = useState<ChatState>(() => initialState(conversationId));
  /** The conversation the first render already showed: the load effect only follows its runs. */
  const preloaded = useRef(state.status === 'ready' ? state : null);
  const [live, setLive] = useState<ReadonlyMap<string, string>>(new Map());
  const [reconnecting, setReconnecting] = useState(false);
  const [actionError, setActionError] = useState<string | undefined>();
  /** The error is a quota or model access refusal: its message says it all. */
  const [actionRefused, setActionRefused] = useState(false);
  const buffer = useMemo(() => new LiveTextBuffer(setLive), []);
  const follows = useRef(new Map<string, { runId: string; controller: AbortController }>());
  /** A conversation send() just created: the route follows it without a reload. */
  const createdId = useRef<string | null>(null);
  const refreshList = conversations.refresh;

  const stopFollowing = useCallback(() => {
    for (const { controller } of follows.current.values()) controller.abort();
    follows.current.clear();
    buffer.clear();
    setReconnecting(false);
  }, [buffer]);

  const patchMessage = useCallback((id: string, patch: Partial<Message>) => {
    setState((previous) => ({
      ...previous,
      messages: previous.messages.map((message) =>
        message.id === id ? { ...message, ...patch } : message,
      ),
    }));
  }, []);

  /** Takes a finished message's row from the server: the row is final once the run ended. */
  const syncFinished = useCallback(async (conversationId: string, messageId: string) => {
    // The reply is almost always at the shown branch's end: its last messages suffice, instead
    // of the whole tree (1.6 MB of JSON for 2,000 messages) after every reply.
    const find = (answer: ConversationAnswer) =>
      answer.messages.find((message) => message.id === messageId);
    let answer = await api<ConversationAnswer>(conversationTailPath(conversationId));
    if (!find(answer) && answer.complete === false) {
      answer = await api<ConversationAnswer>(conversationPath(conversationId));
    }
    const row = find(answer);
    setState((previous) => {
      if (previous.conversation?.id !== conversationId) return previous;
      return {
        ...previous,
        conversation: { ...previous.conversation, title: answer.conversation.title },
        messages:
          row && row.status !== 'streaming'
            ? previous.messages.map((message) => (message.id === messageId ? row : message))
            : previous.messages,
      };
    });
  }, []);

  const follow = useCallback(
    (message: Pick<Message, 'id' | 'conversationId'>, runId: string) => {
      const messageId = message.id;
      if (follows.current.get(messageId)?.runId === runId) return;
      follows.current.get(messageId)?.controller.abort();
      const controller = new AbortController();
      follows.current.set(messageId, { runId, controller });
      buffer.start(messageId);
      let finished = false;
      const finish = (patch: Partial<Message>) => {
        finished = true;
        buffer.flush();
        const text = buffer.text(messageId) ?? '';
        setState((previous) => ({
          ...previous,
          messages: previous.messages.map((item) =>
            item.id === messageId
              ? {
                  ...item,
                  ...patch,
                  content: text.length >= item.content.length ? text : item.content,
                }
              : item,
          ),
        }));
        buffer.delete(messageId);
      };
      followRun(runId, {
        signal: controller.signal,
        onReconnecting: () => setReconnecting(true),
        onEvent: (event) => {
          setReconnecting(false);
          if (event.type === 'text-delta') buffer.append(messageId, event.text);
          else if (event.type === 'finish')
            finish({ status: statusOfFinish(event.finishReason), error: null });
          else finish({ status: 'error', error: event.message });
        },
      })
        .then(async () => {
          void refreshList();
          await syncFinished(message.conversationId, messageId).catch(() => undefined);
          // Titles are written just after the first reply: look again shortly.
          setTimeout(() => void refreshList(), 2_500);
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          if (!finished) finish({ status: 'interrupted', error: (error as Error).message });
        })
        .finally(() => {
          if (follows.current.get(messageId)?.controller === controller) {
            follows.current.delete(messageId);
            setReconnecting(false);
          }
        });
    },
    [buffer, syncFinished, refreshList],
  );

  const followStreaming = useCallback(
    (messages: readonly Message[]) => {
      for (const message of messages) {
        if (message.status === 'streaming' && message.runId) follow(message, message.runId);
      }
    },
    [follow],
  );

  // Load the conversation when the route changes (but not when we just created it).
  useEffect(() => {
    if (conversationId !== null && conversationId === createdId.current) {
      createdId.current = null;
      return;
    }
    const shown = preloaded.current;
    preloaded.current = null;
    if (shown && shown.conversation?.id === conversationId) {
      followStreaming(shown.messages);
      return;
    }
    stopFollowing();
    setActionError(undefined);
    if (conversationId === null) {
      setState(emptyState);
      return;
    }
    setState({ status: 'loading', conversation: null, messages: [] });
    const controller = new AbortController();
    apiOrEarly<ConversationAnswer>(conversationTailPath(conversationId), {
      signal: controller.signal,
    }).then(
      (answer) => {
        // The early request ignores the signal.
        if (controller.signal.aborted) return;
        setState(openedState(answer));
        followStreaming(answer.messages);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const notFound = error instanceof ApiError && error.status === 404;
        setState({
          status: notFound ? 'not-found' : 'error',
          conversation: null,
          messages: [],
          error: (error as Error).message,
        });
      },
    );
    return () => controller.abort();
  }, [conversationId, stopFollowing, followStreaming]);

  useEffect(() => stopFollowing, [stopFollowing]);

  // Opened from the branch's end: the whole tree once the first frame is on screen.
  useWholeTree(state.partial ? (state.conversation?.id ?? null) : null, setState, setActionError);

  const tree = useMemo(() => buildTree(state.messages), [state.messages]);
  const path = useMemo(
    () => selectedPath(tree, state.conversation?.selectedLeafId ?? null),
    [tree, state.conversation?.selectedLeafId],
  );
  const generating = path.some((message) => live.has(message.id));

  const addRun = useCallback(
    (answer: RunStart) => {
      const added = [answer.userMessage, answer.assistantMessage].filter(
        (message): message is Message => message !== undefined,
      );
      setState((previous) => ({
        ...previous,
        status: 'ready',
        messages: [
          ...previous.messages.filter((message) => !added.some((item) => item.id === message.id)),
          ...added,
        ],
        conversation: previous.conversation && {
          ...previous.conversation,
          selectedLeafId: answer.assistantMessage.id,
        },
      }));
      follow(answer.assistantMessage, answer.runId);
    },
    [follow],
  );

  const guard = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setActionError(undefined);
    setActionRefused(false);
    try {
      return await action();
    } catch (error) {
      setActionError((error as Error).message);
      setActionRefused(error instanceof ApiError && refusalCodes.has(error.code));
      return undefined;
    }
  }, []);

  /** Sends a message under the selected leaf, creating the chat first if needed. */
  const send = useCallback(
    async (content: string, draft: DraftSettings): Promise<boolean> => {
      const done = await guard(async () => {
        let conversation = state.conversation;
        if (!conversation) {
          conversation = await api<Conversation>('/api/conversations', {
            method: 'POST',
            body: {
              ...(draft.model ? { model: draft.model } : {}),
              ...(draft.systemPrompt.trim() ? { systemPrompt: draft.systemPrompt } : {}),
              ...(draft.temporary ? { temporary: true } : {}),
            },
          });
          createdId.current = conversation.id;
          setState({ status: 'ready', conversation, messages: [] });
          if (!conversation.temporary) conversations.upsert(conversation);
          navigate({ name: 'chat', id: conversation.id, messageId: null });
        }
        const parentId = state.conversation ? (path[path.length - 1]?.id ?? null) : null;
        const answer = await api<RunStart>(
          `/api/conversations/${encodeURIComponent(conversation.id)}/messages`,
          {
            method: 'POST',
            body: { content, parentId, ...(draft.model ? { model: draft.model } : {}) },
          },
        );
        addRun(answer);
        if (!conversation.temporary) {
          conversations.upsert({ ...conversation, lastActivityAt: new Date().toISOString() });
        }
        return true;
      });
      return done === true;
    },
    [guard, state.conversation, path, addRun, conversations],
  );

  /** Asks for another reply in place of an assistant message (a new sibling). */
  const regenerate = useCallback(
    (message: Message, model: string | null) =>
      guard(async () =>
        addRun(
          await api<RunStart>(`/api/messages/${encodeURIComponent(message.id)}/regenerate`, {
            method: 'POST',
            body: model ? { model } : {},
          }),
        ),
      ),
    [guard, addRun],
  );

  /** Edits a user message: a new sibling branch with a new reply. */
  const edit = useCallback(
    (message: Message, content: string) =>
      guard(async () =>
        addRun(
          await api<RunStart>(`/api/messages/${encodeURIComponent(message.id)}/edit`, {
            method: 'POST',
            body: { content },
          }),
        ),
      ),
    [guard, addRun],
  );

  /** Stops the runs of the shown branch. */
  const stop = useCallback(
    () =>
      guard(async () => {
        const runIds = path.flatMap((message) => {
          const following = follows.current.get(message.id);
          return following ? [following.runId] : [];
        });
        await Promise.all(
          runIds.map((runId) =>
            api(`/api/runs/${encodeURIComponent(runId)}/stop`, { method: 'POST' }),
          ),
        );
      }),
    [guard, path],
  );

  /** Shows another sibling's branch (down to its newest leaf) and remembers the choice. */
  const selectBranch = useCallback(
    (message: Message) => {
      const leaf = latestLeaf(tree, message.id);
      const conversation = state.conversation;
      if (!conversation || !leaf) return;
      setState((previous) => ({
        ...previous,
        conversation: previous.conversation && { ...previous.conversation, selectedLeafId: leaf },
      }));
      void guard(() => conversations.update(conversation.id, { selectedLeafId: leaf }));
    },
    [tree, state.conversation, guard, conversations],
  );

  /** Rates a reply (or clears the rating when rating is null). */
  const rate = useCallback(
    (message: Message, rating: Feedback['rating'] | null, comment?: string) =>
      guard(async () => {
        const url = `/api/messages/${encodeURIComponent(message.id)}/feedback`;
        if (rating === null) {
          await api(url, { method: 'DELETE' });
          patchMessage(message.id, { feedback: null });
          return;
        }
        const answer = await api<{ feedback: Feedback }>(url, {
          method: 'PUT',
          body: { rating, ...(comment ? { comment } : {}) },
        });
        patchMessage(message.id, { feedback: answer.feedback });
      }),
    [guard, patchMessage],
  );

  /** Changes the chat's model or system prompt. */
  const configure = useCallback(
    (patch: { model?: string; systemPrompt?: string }) =>
      guard(async () => {
        const conversation = state.conversation;
        if (!conversation) return;
        const updated = await conversations.update(conversation.id, patch);
        setState((previous) => ({ ...previous, conversation: updated }));
      }),
    [guard, state.conversation, conversations],
  );

  return {
    ...state,
    tree,
    path,
    live,
    generating,
    reconnecting,
    actionError,
    actionRefused,
    dismissError: () => setActionError(undefined),
    send,
    regenerate,
    edit,
    stop,
    selectBranch,
    rate,
    configure,
  };
}

/** The chat controller returned by useChat. */
export type ChatController = ReturnType<typeof useChat>;
