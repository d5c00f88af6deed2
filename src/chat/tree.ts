// The message tree: each message points at its parent; editing or regenerating adds a sibling.
// Pure functions over a conversation's messages, which are few enough to hold at once.

/** What the tree needs of a message. */
export interface TreeNode {
  id: string;
  parentId: string | null;
  createdAt: string;
}

function byAge(a: TreeNode, b: TreeNode): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1;
}

/** The messages whose parent is `parentId` (null: the roots), oldest first. */
export function childrenOf<T extends TreeNode>(nodes: readonly T[], parentId: string | null): T[] {
  return nodes.filter((node) => node.parentId === parentId).sort(byAge);
}

/** The message and its siblings (same parent), oldest first; empty when `id` is unknown. */
export function siblingsOf<T extends TreeNode>(nodes: readonly T[], id: string): T[] {
  const node = nodes.find((candidate) => candidate.id === id);
  return node ? childrenOf(nodes, node.parentId) : [];
}

/** The messages from a root down to `id`, inclusive; empty when `id` is unknown. */
export function pathTo<T extends TreeNode>(nodes: readonly T[], id: string): T[] {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const path: T[] = [];
  const seen = new Set<string>();
  for (let node = byId.get(id); node && !seen.has(node.id); node = byId.get(node.parentId ?? '')) {
    seen.add(node.id); // a cycle cannot be stored through the API; never loop on one anyway
    path.unshift(node);
  }
  return path;
}

/**
 * The leaf shown for a selection: from `selectedId` (or, when it is null or unknown, the
 * newest message) down through the newest child at each step. A selection in the middle of a
 * branch, as when the user flips to another sibling, thus shows that sibling's latest reply.
 */
export function leafOf<T extends TreeNode>(
  nodes: readonly T[],
  selectedId: string | null,
): T | undefined {
  // Children indexed once: descending a 2,000-message chain stays linear.
  const children = new Map<string | null, T[]>();
  for (const node of nodes) {
    const list = children.get(node.parentId);
    if (list) list.push(node);
    else children.set(node.parentId, [node]);
  }
  const newestChild = (id: string) => children.get(id)?.reduce((a, b) => (byAge(a, b) < 0 ? b : a));
  let node =
    nodes.find((candidate) => candidate.id === selectedId) ??
    nodes.reduce<T | undefined>((a, b) => (a && byAge(a, b) > 0 ? a : b), undefined);
  const seen = new Set<string>();
  for (let next = node && newestChild(node.id); next && !seen.has(next.id);) {
    seen.add(next.id);
    node = next;
    next = newestChild(next.id);
  }
  return node;
}

/** The selected branch, root first: what the user sees, shares and exports. */
export function selectedBranch<T extends TreeNode>(
  nodes: readonly T[],
  selectedId: string | null,
): T[] {
  const leaf = leafOf(nodes, selectedId);
  return leaf ? pathTo(nodes, leaf.id) : [];
}
