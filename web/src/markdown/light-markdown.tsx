// Renders what light-blocks.ts read into the very elements react-markdown gives for the same
// text (newlines between blocks and list items included), through the same code block and
// table components. Nothing here takes HTML or URLs: only text, code, emphasis and structure.
import type { ReactNode } from 'react';
import { CodeBlock } from './code-block.js';
import type { LightBlock, LightList } from './light-blocks.js';
import type { LightInline } from './light-inline.js';
import { Table } from './markdown-components.js';

/** `items` with "\n" before, between and after them, as mdast-util-to-hast wraps children. */
function wrapped(items: ReactNode[]): ReactNode[] {
  return [...items.flatMap((item): ReactNode[] => ['\n', item]), '\n'];
}

function inline(content: readonly LightInline[]): ReactNode[] {
  return content.map((part, index) => {
    if (typeof part === 'string') return part;
    if (part.type === 'code') return <code key={index}>{part.text}</code>;
    const children = inline(part.children);
    return part.type === 'strong' ? (
      <strong key={index}>{children}</strong>
    ) : (
      <em key={index}>{children}</em>
    );
  });
}

function list(block: LightList, key: number): ReactNode {
  const items = wrapped(
    block.items.map((item, index) => (
      <li key={index}>
        {inline(item.content)}
        {item.list ? wrapped([list(item.list, 0)]) : null}
      </li>
    )),
  );
  if (!block.ordered) return <ul key={key}>{items}</ul>;
  return (
    <ol key={key} start={block.start === 1 ? undefined : block.start}>
      {items}
    </ol>
  );
}

function block(block: LightBlock, key: number): ReactNode {
  switch (block.type) {
    case 'paragraph':
      return <p key={key}>{inline(block.content)}</p>;
    case 'heading': {
      const Heading = `h${block.depth}` as 'h1';
      return <Heading key={key}>{inline(block.content)}</Heading>;
    }
    case 'code':
      return <CodeBlock key={key} code={block.code} language={block.language} />;
    case 'math-source':
      return <p key={key}>{block.text}</p>;
    case 'list':
      return list(block, key);
    case 'table': {
      const style = (column: number) => {
        const align = block.align[column];
        return align ? { textAlign: align } : undefined;
      };
      return (
        <Table key={key}>
          <thead>
            <tr>
              {block.head.map((cell, column) => (
                <th key={column} style={style(column)}>
                  {inline(cell)}
                </th>
              ))}
            </tr>
          </thead>
          {block.rows.length > 0 ? (
            <tbody>
              {block.rows.map((row, index) => (
                <tr key={index}>
                  {row.map((cell, column) => (
                    <td key={column} style={style(column)}>
                      {inline(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          ) : null}
        </Table>
      );
    }
  }
}

/** The elements of a message read by readLightMarkdown. */
export function renderLightMarkdown(blocks: readonly LightBlock[]): ReactNode[] {
  return blocks.flatMap((item, index): ReactNode[] =>
    index === 0 ? [block(item, index)] : ['\n', block(item, index)],
  );
}
