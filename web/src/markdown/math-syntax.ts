// Math detection and delimiter normalisation, outside code. Models write LaTeX as $…$,
// $$…$$, \(…\) or \[…\]; remark-math reads only the dollar forms.

const codePattern = /(```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)|`[^`\n]*`)/g;

/** Rewrites \(…\) and \[…\] outside code as $…$ and $$…$$. */
export function normalizeMathDelimiters(text: string): string {
  if (!text.includes('\\(') && !text.includes('\\[')) return text;
  return text
    .split(codePattern)
    .map((part, index) => {
      // split() with a capture group puts the code parts at odd indexes.
      if (index % 2 === 1) return part;
      return part
        .replace(/\\\[([\s\S]+?)\\\]/g, (_whole, body: string) => `$$${body}$$`)
        .replace(/\\\(([\s\S]+?)\\\)/g, (_whole, body: string) => `$${body.trim()}$`);
    })
    .join('');
}

/** Whether text (after normalisation) contains math outside code, so KaTeX is worth loading. */
export function hasMath(text: string): boolean {
  if (!text.includes('$')) return false;
  return text
    .split(codePattern)
    .some(
      (part, index) =>
        index % 2 === 0 && (/\$\$[\s\S]+?\$\$/.test(part) || /\$[^\s$][^$\n]*?\$/.test(part)),
    );
}
