import { describe, expect, it } from 'vitest';
import type { Message } from '../api/types.js';
import { buildTree, latestLeaf, selectedPath, siblingsOf } from './message-tree.js';

let clock = 0;
function message(id: string, parentId: string | null, role: Message['role'] = 'user'): Message {
  clock += 1;
  return {
    id,
    conversationId: 'c',
    parentId,
    role,
    content: id,
    model: null,
    status: 'complete',
    error: null,
    runId: null,
    feedback: null,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, clock)).toISOString(),
  };
}

// u1 ─ a1 ─ u2 ─ a2
//    └ a1b ─ u3 ─ a3        (a1b regenerated; u1b an edited first message)
// u1b ─ a4
const messages = [
  message('u1', null),
  message('a1', 'u1', 'assistant'),
  message('u2', 'a1'),
  message('a2', 'u2', 'assistant'),
  message('a1b', 'u1', 'assistant'),
  message('u3', 'a1b'),
  message('a3', 'u3', 'assistant'),
  message('u1b', null),
  message('a4', 'u1b', 'assistant'),
];

describe('message tree', () => {
  const tree = buildTree([...messages].reverse());

  it('shows the path to the selected leaf', () => {
    expect(selectedPath(tree, 'a2').map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(selectedPath(tree, 'a3').map((m) => m.id)).toEqual(['u1', 'a1b', 'u3', 'a3']);
  });

  it('follows the newest branch without a selection or below an inner node', () => {
    expect(selectedPath(tree, null).map((m) => m.id)).toEqual(['u1b', 'a4']);
    expect(selectedPath(tree, 'a1b').map((m) => m.id)).toEqual(['u1', 'a1b', 'u3', 'a3']);
    expect(selectedPath(tree, 'missing').map((m) => m.id)).toEqual(['u1b', 'a4']);
  });

  it('numbers siblings in creation order, roots included', () => {
    const a1b = tree.byId.get('a1b')!;
    expect(siblingsOf(tree, a1b)).toMatchObject({ index: 1 });
    expect(siblingsOf(tree, a1b).siblings.map((m) => m.id)).toEqual(['a1', 'a1b']);
    expect(siblingsOf(tree, tree.byId.get('u1b')!).siblings.map((m) => m.id)).toEqual([
      'u1',
      'u1b',
    ]);
  });

  it('finds the newest leaf under a message', () => {
    expect(latestLeaf(tree, 'a1')).toBe('a2');
    expect(latestLeaf(tree, 'u1')).toBe('a3');
    expect(latestLeaf(tree, 'a4')).toBe('a4');
  });

  it('treats an unknown parent as a root and survives cycles', () => {
    const orphan = buildTree([message('x', 'gone'), message('y', 'x', 'assistant')]);
    expect(selectedPath(orphan, 'y').map((m) => m.id)).toEqual(['x', 'y']);
    const a = message('a', 'b');
    const b = message('b', 'a');
    expect(selectedPath(buildTree([a, b]), 'a').length).toBeLessThanOrEqual(2);
  });

  it('handles 2,000 messages quickly', () => {
    const long: Message[] = [];
    for (let i = 0; i < 2_000; i += 1) long.push(message(`m${i}`, i ? `m${i - 1}` : null));
    const started = performance.now();
    const path = selectedPath(buildTree(long), null);
    expect(path).toHaveLength(2_000);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
