// One arena battle at a time: start it, follow both answers at once (each is an ordinary run,
// resumed after a network drop like a chat reply), stop them, and vote. Deltas are batched
// per animation frame, as in the chat.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import { followRun } from '../api/follow-run.js';
import type { MessageStatus } from '../api/types.js';
import { LiveTextBuffer } from '../chat/live-text.js';
import { navigate } from '../lib/router.js';
import { sides, type Battle, type BattleOutcome, type SideKey } from './arena-types.js';

/** What the arena screen shows and does. */
export interface BattleState {
  battle: Battle | null;
  /** Each side's text so far (streamed) or final. */
  texts: Record<SideKey, string>;
  statuses: Record<SideKey, MessageStatus>;
  generating: boolean;
  reconnecting: boolean;
  error: string | null;
  start(content: string): Promise<boolean>;
  stop(): Promise<void>;
  vote(outcome: BattleOutcome): Promise<void>;
  reset(): void;
  dismissError(): void;
}

const battlePath = (id: string) => `/api/arena/battles/${encodeURIComponent(id)}`;

/** The arena's state for the battle `battleId` names (null: none yet). */
export function useBattle(battleId: string | null): BattleState {
  const [battle, setBattle] = useState<Battle | null>(null);
  const [live, setLive] = useState<ReadonlyMap<string, string>>(new Map());
  const [statuses, setStatuses] = useState<Record<SideKey, MessageStatus>>({
    a: 'complete',
    b: 'complete',
  });
  const [reconnecting, setReconnecting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const buffer = useRef<LiveTextBuffer | null>(null);
  buffer.current ??= new LiveTextBuffer(setLive);
  const following = useRef<AbortController | null>(null);
  // The battle shown, set before the URL changes so that the effect below does not load again
  // a battle this hook has just started.
  const shownId = useRef<string | null>(null);

  useEffect(() => () => following.current?.abort(), []);

  const follow = useCallback((started: Battle) => {
    following.current?.abort();
    const controller = new AbortController();
    following.current = controller;
    const text = buffer.current!;
    text.clear();
    const runs = sides.map(async (side) => {
      const { runId, messageId } = started[side];
      if (!runId || started[side].status !== 'streaming') return;
      text.start(messageId);
      await followRun(runId, {
        signal: controller.signal,
        onReconnecting: () => setReconnecting(true),
        onEvent: (event) => {
          setReconnecting(false);
          if (event.type === 'text-delta') text.append(messageId, event.text);
          else {
            text.flush();
            setStatuses((previous) => ({ ...previous, [side]: 'complete' }));
          }
        },
      }).catch((caught: unknown) => {
        if (!controller.signal.aborted) setError((caught as Error).message);
      });
    });
    // Once both have ended, the stored battle has each side's final text and status.
    void Promise.all(runs).then(async () => {
      if (controller.signal.aborted) return;
      const final = await api<Battle>(battlePath(started.id)).catch(() => undefined);
      if (controller.signal.aborted || !final) return;
      setBattle(final);
      setStatuses({ a: final.a.status, b: final.b.status });
      text.clear();
    });
  }, []);

  // A battle named in the URL (a reload, a link, the back button) is read and followed.
  useEffect(() => {
    if (!battleId) {
      shownId.current = null;
      following.current?.abort();
      buffer.current?.clear();
      setBattle(null);
      return;
    }
    if (battleId === shownId.current) return;
    const controller = new AbortController();
    api<Battle>(battlePath(battleId), { signal: controller.signal })
      .then((loaded) => {
        shownId.current = loaded.id;
        setBattle(loaded);
        setStatuses({ a: loaded.a.status, b: loaded.b.status });
        follow(loaded);
      })
      .catch((caught: Error) => {
        if (!controller.signal.aborted) setError(caught.message);
      });
    return () => controller.abort();
  }, [battleId, follow]);

  const start = useCallback(
    async (content: string) => {
      setError(null);
      try {
        const started = await api<Battle>('/api/arena/battles', {
          method: 'POST',
          body: { content },
        });
        setBattle(started);
        setStatuses({ a: started.a.status, b: started.b.status });
        follow(started);
        shownId.current = started.id;
        navigate({ name: 'arena', battleId: started.id });
        return true;
      } catch (caught) {
        setError((caught as Error).message);
        return false;
      }
    },
    [follow],
  );

  const stop = useCallback(async () => {
    if (!battle) return;
    await Promise.all(
      sides.map((side) => {
        const runId = battle[side].runId;
        return runId && statuses[side] === 'streaming'
          ? api(`/api/runs/${encodeURIComponent(runId)}/stop`, { method: 'POST' })
          : undefined;
      }),
    ).catch((caught: Error) => setError(caught.message));
  }, [battle, statuses]);

  const vote = useCallback(
    async (outcome: BattleOutcome) => {
      if (!battle) return;
      try {
        setBattle(
          await api<Battle>(`${battlePath(battle.id)}/vote`, { method: 'POST', body: { outcome } }),
        );
      } catch (caught) {
        setError((caught as Error).message);
      }
    },
    [battle],
  );

  const reset = useCallback(() => {
    setError(null);
    navigate({ name: 'arena', battleId: null });
  }, []);

  const textOf = (side: SideKey) =>
    battle ? (live.get(battle[side].messageId) ?? battle[side].content) : '';
  return {
    battle,
    texts: { a: textOf('a'), b: textOf('b') },
    statuses,
    generating: battle !== null && sides.some((side) => statuses[side] === 'streaming'),
    reconnecting,
    error,
    start,
    stop,
    vote,
    reset,
    dismissError: () => setError(null),
  };
}
