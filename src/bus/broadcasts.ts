// Short notices every replica hears, such as "drop your cached copy of this key". They ride on
// the bus's connections (memory.ts in one process, the Redis subscriber in redis.ts) rather than
// one connection per feature. Delivery is at most once: a replica whose connection to Redis is
// cut misses what is sent meanwhile, so whatever a notice invalidates must still expire by itself.
import type { Unsubscribe } from './bus.js';

/** Notices sent to the listeners of a topic on every replica, the sender's own included. */
export interface Broadcasts {
  /** Sends `message` to every replica's listeners of `topic`; resolves once the backend took it. */
  broadcast(topic: string, message: string): Promise<void>;
  /** Calls `listener` with each message on `topic` sent after this resolves. */
  onBroadcast(topic: string, listener: (message: string) => void): Promise<Unsubscribe>;
}

/** Listeners by topic, for a backend to call when a message arrives. */
export class TopicListeners {
  readonly #byTopic = new Map<string, Set<(message: string) => void>>();

  /** The topics that have listeners. */
  topics(): IterableIterator<string> {
    return this.#byTopic.keys();
  }

  /** Adds a listener; the function returned removes it and says whether it was the topic's last. */
  add(topic: string, listener: (message: string) => void): () => boolean {
    let listeners = this.#byTopic.get(topic);
    if (!listeners) this.#byTopic.set(topic, (listeners = new Set()));
    // Wrapped, so that the same function added twice is two listeners removed one at a time.
    const own = (message: string) => listener(message);
    listeners.add(own);
    return () => {
      listeners.delete(own);
      if (listeners.size || this.#byTopic.get(topic) !== listeners) return false;
      this.#byTopic.delete(topic);
      return true;
    };
  }

  /** Calls each listener of `topic`; one that throws does not keep the message from the others. */
  deliver(topic: string, message: string, onError: (error: unknown) => void): void {
    for (const listener of [...(this.#byTopic.get(topic) ?? [])]) {
      try {
        listener(message);
      } catch (error) {
        onError(error);
      }
    }
  }

  /** Forgets every listener. */
  clear(): void {
    this.#byTopic.clear();
  }
}
