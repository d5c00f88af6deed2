import { describe, expect, it } from 'vitest';
import { childrenOf, leafOf, pathTo, selectedBranch, siblingsOf, type TreeNode } from './tree.js';

// u1 → a1 → u2 → a2
//           └→ u2b → a2b        (u2 edited)
//      └→ a1b                   (a1 regenerated)
const at = (minute: number) => `2025-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
const nodes: TreeNode[] = [
  { id: 'u1', parentId: null, createdAt: at(0) },
  { id: 'a1', parentId: 'u1', createdAt: at(1) },
  { id: 'u2', parentId: 'a1', createdAt: at(2) },
  { id: 'a2', parentId: 'u2', createdAt: at(3) },
  { id: 'a1b', parentId: 'u1', createdAt: at(4) },
  { id: 'u2b', parentId: 'a1', createdAt: at(5) },
  { id: 'a2b', parentId: 'u2b', createdAt: at(6) },
];
const ids = (list: TreeNode[]) => list.map((node) => node.id);

describe('message tree', () => {
  it('lists children and siblings oldest first', () => {
    expect(ids(childrenOf(nodes, null))).toEqual(['u1']);
    expect(ids(childrenOf(nodes, 'u1'))).toEqual(['a1', 'a1b']);
    expect(ids(siblingsOf(nodes, 'u2b'))).toEqual(['u2', 'u2b']);
    expect(ids(siblingsOf(nodes, 'u1'))).toEqual(['u1']);
    expect(siblingsOf(nodes, 'missing')).toEqual([]);
  });

  it('walks the path from the root to a message', () => {
    expect(ids(pathTo(nodes, 'a2'))).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(ids(pathTo(nodes, 'u1'))).toEqual(['u1']);
    expect(pathTo(nodes, 'missing')).toEqual([]);
  });

  it('descends from a selection through the newest children to a leaf', () => {
    expect(leafOf(nodes, 'a2')?.id).toBe('a2');
    expect(leafOf(nodes, 'u2')?.id).toBe('a2');
    expect(leafOf(nodes, 'a1')?.id).toBe('a2b');
    expect(leafOf(nodes, null)?.id).toBe('a2b');
    expect(leafOf(nodes, 'deleted')?.id).toBe('a2b');
    expect(leafOf([], null)).toBeUndefined();
  });

  it('gives the selected branch, root first', () => {
    expect(ids(selectedBranch(nodes, 'a2'))).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(ids(selectedBranch(nodes, 'a1b'))).toEqual(['u1', 'a1b']);
    expect(ids(selectedBranch(nodes, null))).toEqual(['u1', 'a1', 'u2b', 'a2b']);
  });

  it('breaks creation-time ties by id and never loops on a cycle', () => {
    const tied = [
      { id: 'b', parentId: null, createdAt: at(0) },
      { id: 'a', parentId: null, createdAt: at(0) },
    ];
    expect(ids(childrenOf(tied, null))).toEqual(['a', 'b']);
    const cycle = [
      { id: 'x', parentId: 'y', createdAt: at(0) },
      { id: 'y', parentId: 'x', createdAt: at(1) },
    ];
    expect(ids(pathTo(cycle, 'x'))).toEqual(['y', 'x']);
  });
});
