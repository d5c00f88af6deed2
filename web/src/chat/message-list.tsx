// The shown branch, virtualized: only the messages on screen are in the DOM, so a chat of
// thousands of messages scrolls and streams smoothly. Follows the bottom while the user is
// there; a search hit (?m=) is scrolled into view and highlighted.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Message } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { afterNextPaint } from '../lib/after-paint.js';
import { MessageItem } from './message-item.js';
import type { MessageActions } from './message-item.js';
import type { MessageTree } from './message-tree.js';
import { siblingsOf } from './message-tree.js';

/** Pixels from the bottom within which the list keeps following new text. */
const stickThreshold = 120;

/**
 * A row's height before it is measured, from its text: about 90 characters a line of 24 px,
 * plus the row's padding and actions. Close guesses keep the first jump to the bottom short.
 */
export function estimateRowHeight(content: string): number {
  let lines = 0;
  for (const line of content.split('\n')) lines += Math.max(1, Math.ceil(line.length / 90));
  return Math.min(64 + lines * 24, 4_000);
}

// The virtualizer asks again for every unmeasured row on each render (each streamed frame).
const estimates = new WeakMap<Message, number>();

function estimateMessage(message: Message | undefined): number {
  if (!message) return 140;
  let height = estimates.get(message);
  if (height === undefined) {
    height = estimateRowHeight(message.content);
    estimates.set(message, height);
  }
  return height;
}

/**
 * False until the list's first frame has painted. A message's Markdown takes milliseconds to
 * parse, so the first frame renders only the rows in view; the rows just outside it (kept
 * ready for scrolling) follow in the next task.
 */
function useFirstFramePainted(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => afterNextPaint(() => setPainted(true)), []);
  return painted;
}

/** Renders the path of messages. */
export function MessageList({
  path,
  tree,
  live,
  readOnly,
  focusMessageId,
  actions,
}: {
  path: readonly Message[];
  tree: MessageTree;
  live: ReadonlyMap<string, string>;
  readOnly: boolean;
  focusMessageId: string | null;
  actions: MessageActions | undefined;
}) {
  const { t } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const painted = useFirstFramePainted();
  const virtualizer = useVirtualizer({
    count: path.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => estimateMessage(path[index]),
    // Open at the bottom: starting at 0 would render (and parse) the oldest rows first, only
    // for the layout effect below to scroll them away.
    initialOffset: () => path.reduce((sum, message) => sum + estimateMessage(message), 0),
    // The scroller is not in the DOM at the first render: take the window's height for it (a
    // little more than the list gets), rather than 0, which would render one row, then more.
    initialRect: { width: 0, height: window.innerHeight },
    overscan: painted ? 6 : 0,
    getItemKey: (index) => path[index]?.id ?? index,
  });
  const totalSize = virtualizer.getTotalSize();

  // A reply just started (the user sent, edited or regenerated): go to the bottom with it.
  const lastId = path[path.length - 1]?.id;
  const streamingLast = lastId !== undefined && live.has(lastId);
  useLayoutEffect(() => {
    if (streamingLast) atBottom.current = true;
  }, [lastId, streamingLast]);

  // Keep the newest text in view while the user has not scrolled up.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [totalSize, path.length, live]);

  // Older messages added above (the rest of a long chat, loaded after the first paint) must not
  // move the text a reader who has scrolled up is looking at: shift by what was added.
  const firstId = path[0]?.id;
  const shownFirst = useRef({ id: firstId, totalSize });
  useLayoutEffect(() => {
    const element = scroller.current;
    const before = shownFirst.current;
    if (element && before.id !== firstId && !atBottom.current) {
      element.scrollTop += totalSize - before.totalSize;
    }
    shownFirst.current = { id: firstId, totalSize };
  }, [firstId, totalSize]);

  useEffect(() => {
    if (!focusMessageId) return;
    const index = path.findIndex((message) => message.id === focusMessageId);
    if (index < 0) return;
    atBottom.current = false;
    virtualizer.scrollToIndex(index, { align: 'center' });
  }, [focusMessageId, path, virtualizer]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    atBottom.current =
      element.scrollHeight - element.scrollTop - element.clientHeight < stickThreshold;
  };

  return (
    <div
      ref={scroller}
      className="message-scroller"
      onScroll={onScroll}
      role="region"
      aria-label={t('messages')}
      tabIndex={0}
    >
      <div className="message-canvas" style={{ height: totalSize }}>
        {virtualizer.getVirtualItems().map((item) => {
          const message = path[item.index];
          if (!message) return null;
          const { siblings, index } = siblingsOf(tree, message);
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="message-row"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <MessageItem
                message={message}
                liveText={live.get(message.id)}
                siblings={siblings}
                index={index}
                readOnly={readOnly}
                highlighted={message.id === focusMessageId}
                actions={actions}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}
