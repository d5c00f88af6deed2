// The retention job's place in a running Salon: the server hands chat's conversation deletion to
// governance's scheduler (governance does not import chat) and starts it.
import { removeConversations } from '../chat/delete-conversation.js';
import { RetentionScheduler } from '../governance/retention-scheduler.js';
import type { ServerContext } from './context.js';

/** Starts the retention job on `context`'s store; `stop()` it on shutdown. */
export function startRetention(
  context: Pick<ServerContext, 'store' | 'settings'>,
): RetentionScheduler {
  const scheduler = new RetentionScheduler({
    store: context.store,
    removeConversations,
    config: context.settings.config.retention,
  });
  scheduler.start();
  return scheduler;
}
