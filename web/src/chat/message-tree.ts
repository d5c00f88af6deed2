// The conversation is a tree of messages; the screen shows one path from a root to the
// selected leaf. These pure functions compute that path and each node's siblings.
import type { Message } from '../api/types.js';

/** Messages indexed by id and by parent, children in creation order. */
export interface MessageTree {
  byId: Map<string, Message>;
  children: Map<string | null, Message[]>;
}

/** Indexes a conversation's messages (any order). */
export function buildTree(messages: readonly Message[]): MessageTree {
  const byId = new Map<string, Message>();
  const children = new Map<string | null, Message[]>();
  for (const message of messages) byId.set(message.id, message);
  for (const message of messages) {
    // A parent we do not know is treated as the root, so nothing becomes unreachable.
    const parent =
      message.parentId !== null && byId.has(message.parentId) ? message.parentId : null;
    const list = children.get(parent);
    if (list) list.push(message);
    else children.set(parent, [message]);
  }
  for (const list of children.values()) list.sort(compareCreated);
  return { byId, children };
}

function compareCreated(a: Message, b: Message): number {
  if (a.createdAt < b.createdAt) return -1;
  if (a.createdAt > b.createdAt) return 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Follows the newest child from a message down to a leaf. */
export function latestLeaf(tree: MessageTree, fromId: string | null): string | null {
  let current = fromId;
  // Bounded by the number of messages, so corrupt data with a cycle cannot hang the page.
  for (let steps = 0; steps <= tree.byId.size; steps += 1) {
    const next = tree.children.get(current);
    const last = next?.[next.length - 1];
    if (!last) return current;
    current = last.id;
  }
  return current;
}

/** The path from a root to the selected leaf (or the newest leaf when none is selected). */
export function selectedPath(tree: MessageTree, selectedLeafId: string | null): Message[] {
  let leaf = selectedLeafId !== null && tree.byId.has(selectedLeafId) ? selectedLeafId : null;
  if (leaf === null) leaf = latestLeaf(tree, null);
  // A selected node that is not a leaf shows the newest branch below it.
  else leaf = latestLeaf(tree, leaf);
  const path: Message[] = [];
  const seen = new Set<string>();
  for (let id = leaf; id !== null;) {
    const message = tree.byId.get(id);
    if (!message || seen.has(id)) break;
    seen.add(id);
    path.push(message);
    id = message.parentId !== null && tree.byId.has(message.parentId) ? message.parentId : null;
  }
  return path.reverse();
}

/** A message's siblings (itself included) and its index among them. */
export function siblingsOf(
  tree: MessageTree,
  message: Message,
): { siblings: Message[]; index: number } {
  const parent =
    message.parentId !== null && tree.byId.has(message.parentId) ? message.parentId : null;
  const siblings = tree.children.get(parent) ?? [message];
  return {
    siblings,
    index: Math.max(
      0,
      siblings.findIndex((item) => item.id === message.id),
    ),
  };
}
